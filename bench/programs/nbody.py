# n-body: five planets as objects, moved by their mutual gravity; the result is the energy.
import math


class Body:
    def __init__(self, x, y, z, vx, vy, vz, m):
        self.x, self.y, self.z, self.vx, self.vy, self.vz, self.m = x, y, z, vx, vy, vz, m


def energy(bodies):
    e = 0
    n = len(bodies)
    for i in range(n):
        b = bodies[i]
        e = e + 0.5 * b.m * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
        for j in range(i + 1, n):
            c = bodies[j]
            dx = b.x - c.x
            dy = b.y - c.y
            dz = b.z - c.z
            e = e - b.m * c.m / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(bodies, dt, steps):
    n = len(bodies)
    for step in range(steps):
        for i in range(n):
            for j in range(i + 1, n):
                b = bodies[i]
                c = bodies[j]
                dx = b.x - c.x
                dy = b.y - c.y
                dz = b.z - c.z
                d2 = dx * dx + dy * dy + dz * dz
                mag = dt / (d2 * math.sqrt(d2))
                bm = b.m * mag
                cm = c.m * mag
                bodies[i].vx = b.vx - dx * cm
                bodies[i].vy = b.vy - dy * cm
                bodies[i].vz = b.vz - dz * cm
                bodies[j].vx = c.vx + dx * bm
                bodies[j].vy = c.vy + dy * bm
                bodies[j].vz = c.vz + dz * bm
        for i in range(n):
            b = bodies[i]
            bodies[i].x = b.x + dt * b.vx
            bodies[i].y = b.y + dt * b.vy
            bodies[i].z = b.z + dt * b.vz
    return bodies


days = 365.24
solar = 4 * math.pi * math.pi
bodies = [
    Body(0, 0, 0, 0, 0, 0, solar),
    Body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days, -6.90460016972063023e-05 * days,
         9.54791938424326609e-04 * solar),
    Body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days, 2.30417297573763929e-05 * days,
         2.85885980666130812e-04 * solar),
    Body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days, -2.96589568540237556e-05 * days,
         4.36624404335156298e-05 * solar),
    Body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days, -9.51592254519715870e-05 * days,
         5.15138902046611451e-05 * solar),
]
bodies = advance(bodies, 0.01, 20000)
result = energy(bodies)
