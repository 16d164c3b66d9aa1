# Mandelbrot: count the points of a 120 x 120 grid that stay bounded for 50 iterations.
def inside(cr, ci, limit):
    zr = 0
    zi = 0
    k = 0
    while k < limit:
        tr = zr * zr - zi * zi + cr
        zi = 2 * zr * zi + ci
        zr = tr
        if zr * zr + zi * zi > 4:
            return False
        k = k + 1
    return True


size = 120
count = 0
for y in range(size):
    ci = 2 * y / size - 1
    for x in range(size):
        cr = 2 * x / size - 1.5
        if inside(cr, ci, 50):
            count = count + 1
result = count
