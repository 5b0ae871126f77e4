#!/usr/bin/env python3
"""Validate one JSON document against a schema of an OpenAPI 3.1 spec.

usage: python3 validate_openapi.py SPEC.yaml SCHEMA_NAME < body.json

SCHEMA_NAME is a key of components/schemas (e.g. ConferenceListResponse). `$ref`s of the form
`#/components/schemas/...` resolve against the spec itself. Draft 2020-12 semantics, so
`unevaluatedProperties: not {}` rejects any field the spec does not list.
Exit status: 0 valid, 1 invalid (the reasons on stderr), 2 usage or environment problem.
"""
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as missing:  # the Swift test turns this into a failure, not a skip
    print(f"validate_openapi.py needs python3 packages jsonschema and PyYAML: {missing}", file=sys.stderr)
    sys.exit(2)


# Formats are asserted too, so a sid that is not a UUID fails like an extra field does.
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def load_spec(path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def validator_for(spec, schema_name):
    schemas = spec.get("components", {}).get("schemas", {})
    if schema_name not in schemas:
        print(f"no schema named {schema_name} in the spec", file=sys.stderr)
        sys.exit(2)
    # The whole spec is the root document, so "#/components/schemas/X" resolves in place.
    root = dict(spec)
    root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resource = Resource.from_contents(root, default_specification=DRAFT202012)
        registry = Registry().with_resource("urn:openapi-spec", resource)
        schema = {"$ref": f"urn:openapi-spec#/components/schemas/{schema_name}"}
        return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
    except ImportError:  # older jsonschema without the referencing library
        resolver = jsonschema.RefResolver.from_schema(root)
        schema = {"$ref": f"#/components/schemas/{schema_name}"}
        return jsonschema.Draft202012Validator(schema, resolver=resolver, format_checker=FORMATS)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    spec = load_spec(argv[1])
    validator = validator_for(spec, argv[2])
    try:
        document = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        print(f"body is not JSON: {error}", file=sys.stderr)
        return 1
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        for error in errors:
            location = "/".join(str(part) for part in error.path) or "(root)"
            print(f"{argv[2]} at {location}: {error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
