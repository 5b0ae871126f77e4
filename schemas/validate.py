#!/usr/bin/env python3
"""Checks a confdash command's --json output against its schema in this directory.

usage: confdash streams start CONF --url wss://... --json | python3 schemas/validate.py streams-start

COMMAND is the schema's file name without .schema.json (conferences-list, streams-stop, audit...).
Exit status 0 when the output is valid, 1 (with every error) when it is not, 2 when it cannot be
checked (no such schema, python3 without jsonschema, output that is not JSON).
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("validate.py needs the python3 package jsonschema (pip install jsonschema)", file=sys.stderr)
    sys.exit(2)

HERE = pathlib.Path(__file__).resolve().parent
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def load_all():
    """Every schema here by its $id, each checked to be a valid 2020-12 schema itself."""
    schemas = {}
    for path in sorted(HERE.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        schemas[schema["$id"]] = schema
    return schemas


def validator_for(root, schemas):
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry = Registry().with_resources(
            (uri, Resource.from_contents(schema, default_specification=DRAFT202012)) for uri, schema in schemas.items()
        )
        return jsonschema.Draft202012Validator(root, registry=registry, format_checker=FORMATS)
    except ImportError:  # older jsonschema without the referencing library
        resolver = jsonschema.RefResolver.from_schema(root, store=schemas)
        return jsonschema.Draft202012Validator(root, resolver=resolver, format_checker=FORMATS)


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = HERE / f"{sys.argv[1]}.schema.json"
    if not path.is_file():
        print(f"no schema {path.name} in {HERE}", file=sys.stderr)
        return 2
    schemas = load_all()
    root = json.loads(path.read_text(encoding="utf-8"))
    text = sys.stdin.read()
    try:
        data = json.loads(text)
    except ValueError as error:
        print(f"not JSON ({error}): {text[:200]!r}", file=sys.stderr)
        return 2
    errors = sorted(validator_for(root, schemas).iter_errors(data), key=lambda e: list(e.absolute_path))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        print(f"{path.name}: {where}: {error.message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
