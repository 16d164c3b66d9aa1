/// The short language reference `ainb help language` prints (docs/language.md has the full one).
enum LanguageHelp {
    static let text = """
    The ainb language in one screen (docs/language.md has everything):

      x = 3                      # numbers (doubles), "strings", true/false, nil
      name = "loss {x * 2}"      # "{expr}" interpolates; {{ and }} are literal braces
      xs = [1, 2, 3]             # lists; xs[0], xs[-1], xs[1:3]
      r = {lr: 0.1, steps: 30}   # records; r.lr
      0..10                      # a range: 0, 1, ..., 9 (and an interval for random draws)
      a, b = [1, 2]              # destructuring
      t = tensor([[1, 2], [3, 4]])   # float32 tensors; t[0, 1:], t.shape, t @ t, t ^ 2
      fn square(v) = v * v       # functions; fn f(a, b: 2) { ... } with a default
      f = fn(v) v + 1            # closures
      if x > 0 { ... } else { ... }
      for i in 0..3 { ... }      # also: while cond { ... }, break, continue, return
      df = grad(fn(x) (x - 3)^2) # derivatives of any function
      help("descend")            # the documentation of a builtin
    """
}
