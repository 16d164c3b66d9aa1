# Fannkuch-redux: flip prefixes of every permutation of 0..n; the result is checksum * 100 + most flips.
def fannkuch(n):
    perm1 = list(range(n))
    count = [0] * n
    most = 0
    checksum = 0
    permutations = 0
    r = n
    while True:
        while r != 1:
            count[r - 1] = r
            r = r - 1
        perm = perm1[:]
        flips = 0
        k = perm[0]
        while k != 0:
            i = 0
            j = k
            while i < j:
                t = perm[i]
                perm[i] = perm[j]
                perm[j] = t
                i = i + 1
                j = j - 1
            flips = flips + 1
            k = perm[0]
        if flips > most:
            most = flips
        if permutations % 2 == 0:
            checksum = checksum + flips
        else:
            checksum = checksum - flips
        permutations = permutations + 1
        # The next permutation: rotate the first r + 1 items until a counter is left.
        while True:
            if r == n:
                return checksum * 100 + most
            first = perm1[0]
            i = 0
            while i < r:
                perm1[i] = perm1[i + 1]
                i = i + 1
            perm1[r] = first
            count[r] = count[r] - 1
            if count[r] > 0:
                break
            r = r + 1


result = fannkuch(8)
