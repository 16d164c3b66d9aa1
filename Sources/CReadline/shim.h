#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

/* SIGINT as a flag: the handler only records the signal; the REPL polls it, so a
   Ctrl-C never kills the process. Installed without SA_RESTART so a blocking poll or
   read returns EINTR and the REPL can react at once.
   The counter is a weak global, not a static: Swift emits this header's inline functions
   into several object files, and they must all share one counter. */
__attribute__((weak)) volatile sig_atomic_t ainb_interrupt_count = 0;

static void ainb_sigint_handler(int sig) {
    (void)sig;
    __atomic_fetch_add(&ainb_interrupt_count, 1, __ATOMIC_SEQ_CST);
}

/// Installs the flag-setting SIGINT handler.
static inline void ainb_install_sigint_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = ainb_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, NULL);
}

/// Restores the default SIGINT behaviour (terminate).
static inline void ainb_restore_sigint_handler(void) {
    signal(SIGINT, SIG_DFL);
}

/// The number of SIGINTs since the last call, and resets it.
static inline int ainb_take_interrupts(void) {
    /* One atomic exchange: a SIGINT between a separate read and reset would be lost. */
    return (int)__atomic_exchange_n(&ainb_interrupt_count, 0, __ATOMIC_SEQ_CST);
}

/// Lets the REPL handle signals itself: readline must not install handlers.
static inline void ainb_readline_configure(const char *word_breaks) {
    rl_catch_signals = 0;
    rl_catch_sigwinch = 1;
    rl_completer_word_break_characters = (char *)word_breaks;
    rl_basic_word_break_characters = (char *)word_breaks;
    /* Multi-line entries survive a restart: each entry is written after a timestamp line,
       and the lines up to the next timestamp are read back as one entry. */
    history_write_timestamps = 1;
    history_multiline_entries = 1;
}

/// Throws away the line being edited and shows a fresh prompt (Ctrl-C at the prompt).
static inline void ainb_readline_clear_line(void) {
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_replace_line("", 0);
    rl_point = 0;
    rl_end = 0;
    rl_crlf();
    rl_on_new_line();
}

/// Sets the completion function and turns off readline's fallback to file names.
static inline void ainb_readline_set_completer(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// Tells readline not to fall back to file name completion for this attempt, and not to
/// append a space after a single match (a function's candidate already ends in "(").
static inline void ainb_readline_completion_over(void) {
    rl_attempted_completion_over = 1;
    rl_completion_suppress_append = 1;
}
