// C shim over Debian's libncursesw (package libncurses-dev, ncurses 6.4) for Swift 6 language mode.
//  * turns on the wide-character API (cchar_t, setcchar, add_wch, mvwaddwstr, wget_wch, box_set, ...)
//  * wraps what Swift cannot import: function-like macros (getmaxyx, KEY_F, A_* attributes built with NCURSES_BITS)
//  * wraps the mutable C globals (stdscr, LINES, COLS) that Swift 6 rejects:
//    "reference to var 'stdscr' is not concurrency-safe because it involves shared mutable state"
#ifndef CNCURSES_SHIM_H
#define CNCURSES_SHIM_H

// Must come before <curses.h>. NCURSES_WIDECHAR is ncurses' own switch for the wide API. Do not rely on
// -D_XOPEN_SOURCE=600 from `pkg-config --cflags ncursesw`: SwiftPM drops -D flags from pkg-config ("prohibited flag(s)").
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

// Bytes malloc holds in use now: small blocks plus the large ones it maps alone (confdash-bench's
// memory figures; Swift cannot call mallinfo2, which returns a struct by value).
static inline size_t confdash_heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

// What malloc holds, for the census the dashboard logs every ten minutes: bytes in use in its
// arenas, free inside them (held, resident unless trimmed), and in the large blocks it maps alone.
static inline void confdash_heap_figures(size_t *inUse, size_t *freeInArenas, size_t *mapped) {
    struct mallinfo2 m = mallinfo2();
    *inUse = m.uordblks;
    *freeInArenas = m.fordblks;
    *mapped = m.hblkhd;
}

// Hands the pages malloc holds free back to the system (glibc keeps what a churning heap freed,
// in every thread's arena, until asked). Returns 1 when some memory was released.
static inline int confdash_release_free_memory(void) {
    return malloc_trim(0);
}
#include <wchar.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <curses.h>

// ---- mutable globals ----
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }

// ---- function-like macros ----
static inline void cn_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }
static inline attr_t cn_color_pair(int n) { return (attr_t)COLOR_PAIR(n); }
static inline int cn_key_f(int n) { return KEY_F(n); }

// ---- attributes (A_* are NCURSES_BITS(...) macros: not imported) ----
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }

// ---- wide-character helpers ----
// One Unicode scalar (e.g. U+2500 '─') with attributes and a color pair at (y, x), via setcchar + mvwadd_wch.
static inline int cn_mvwadd_scalar(WINDOW *w, int y, int x, uint32_t scalar, attr_t attrs, int pair) {
    wchar_t wc[2] = { (wchar_t)scalar, L'\0' };
    cchar_t cc;
    if (setcchar(&cc, wc, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}
// Horizontal / vertical run of one scalar (mvwhline_set / mvwvline_set take a cchar_t).
static inline int cn_mvwhline_scalar(WINDOW *w, int y, int x, uint32_t scalar, attr_t attrs, int pair, int n) {
    wchar_t wc[2] = { (wchar_t)scalar, L'\0' };
    cchar_t cc;
    if (setcchar(&cc, wc, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwhline_set(w, y, x, &cc, n);
}
static inline int cn_mvwvline_scalar(WINDOW *w, int y, int x, uint32_t scalar, attr_t attrs, int pair, int n) {
    wchar_t wc[2] = { (wchar_t)scalar, L'\0' };
    cchar_t cc;
    if (setcchar(&cc, wc, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwvline_set(w, y, x, &cc, n);
}
// Default wide box: the WACS_* line-drawing set (┌─┐│└┘ in a UTF-8 locale). WACS_* themselves are not importable.
static inline int cn_box_set(WINDOW *w) { return box_set(w, NULL, NULL); }

// wget_wch returns OK (character in *ch), KEY_CODE_YES (KEY_* code in *ch) or ERR. One value for Swift:
// >= 0: character scalar; -1: ERR (no input in nodelay mode); <= -2: function key, code = -(v + 2).
static inline int64_t cn_wget_wch_packed(WINDOW *w) {
    wint_t ch = 0;
    int rc = wget_wch(w, &ch);
    if (rc == ERR) return -1;
    if (rc == KEY_CODE_YES) return -(int64_t)ch - 2;
    return (int64_t)ch;
}

// ---- mouse (BUTTON*_PRESSED and MEVENT are macros and a struct Swift would rather not touch) ----
// On: presses of the first button and the wheel, reported at once (no click timing). Off: none,
// and ncurses tells the terminal to stop reporting, so its own text selection works again.
static inline void cn_set_mouse(int on) {
    if (on) {
        mouseinterval(0);
        mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    } else {
        mousemask(0, NULL);
    }
}
static inline int cn_key_mouse(void) { return KEY_MOUSE; }
// After KEY_MOUSE: 1 a press of the first button, 2 the wheel up, 3 the wheel down, 0 anything
// else or nothing to read; *x and *y the cell.
static inline int cn_read_mouse(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 3;
#endif
    return 0;
}

// One frame cell: a spacing scalar plus up to CCHARW_MAX-1 zero-width ones (combining marks), with attributes and
// a colour pair, via setcchar + mvwadd_wch. The caller passes only the scalars setcchar accepts.
static inline int cn_mvwadd_cell(WINDOW *w, int y, int x, const uint32_t *scalars, int count, attr_t attrs, int pair) {
    wchar_t wc[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) wc[i] = (wchar_t)scalars[i];
    wc[n] = L'\0';
    cchar_t cc;
    if (setcchar(&cc, wc, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}

// COLOR_PAIRS and COLORS are mutable C globals (set by start_color): Swift 6 rejects them directly.
static inline int cn_color_pairs(void) { return COLOR_PAIRS; }
static inline int cn_colors(void) { return COLORS; }

// ---- display width ----
// wcwidth needs _XOPEN_SOURCE, which Swift's Glibc module does not define: terminal cells one scalar takes
// under the current LC_CTYPE (2 for CJK and emoji, 0 for combining marks, -1 for non-printables).
static inline int cn_wcwidth(uint32_t scalar) { return wcwidth((wchar_t)scalar); }

// ---- resize / teardown ----
// Re-read the tty size (TIOCGWINSZ on stdout, else stdin) and resize ncurses' screen. Needed when SIGWINCH is taken
// by a DispatchSource instead of ncurses' own handler. Returns OK or ERR.
static inline int cn_resize_from_tty(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) != 0) return ERR;
    if (ws.ws_row == 0 || ws.ws_col == 0) return ERR;
    return resizeterm(ws.ws_row, ws.ws_col);
}
// Safety net for exit() paths that skip Swift cleanup (does not help with fatalError/crashes: no atexit there).
static inline void cn__endwin_atexit(void) { if (stdscr != NULL && !isendwin()) endwin(); }
static inline int cn_register_atexit_endwin(void) { return atexit(cn__endwin_atexit); }

// ---- can this terminal host a full-screen program? ----
// Asked before initscr, which on an unknown TERM prints its own message and exit()s, and on a terminal
// without cursor addressing (TERM=dumb) draws garbage. term.h comes last: it defines macros named like
// ordinary words (lines, columns) that would break code after it.
#include <term.h>
enum { CN_TERMINAL_OK = 0, CN_TERMINAL_UNKNOWN = 1, CN_TERMINAL_NO_CURSOR_ADDRESSING = 2 };
static inline int cn__has_string_cap(const char *name) {
    char *cap = tigetstr(name);
    return cap != NULL && cap != (char *)-1;
}
// Returns one of CN_TERMINAL_*; *alternate_screen tells whether the terminal has one (smcup), so a
// terminal without it can be cleared on exit instead of leaving the last frame behind.
static inline int cn_check_terminal(int *alternate_screen) {
    int err = 0;
    *alternate_screen = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK) return CN_TERMINAL_UNKNOWN;
    int usable = cn__has_string_cap("cup") && cn__has_string_cap("clear");
    *alternate_screen = cn__has_string_cap("smcup");
    del_curterm(cur_term);
    return usable ? CN_TERMINAL_OK : CN_TERMINAL_NO_CURSOR_ADDRESSING;
}

#endif
