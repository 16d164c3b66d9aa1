#!/usr/bin/env python3
"""Independent PNG checker for ainb's figures: standard library only (zlib, struct).

Checks the signature, every chunk's length and CRC, chunk order, the IHDR fields, inflates the
IDAT data, undoes the row filters and prints one line per file:
    path: WIDTHxHEIGHT color=TYPE filters={...} mean=... distinct_colors=N ok
Exits with status 1 if any file fails. `--dump-ppm OUT` writes the last decoded image as a
binary PPM/PGM so any viewer can show it.
"""
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    if data[:8] != SIGNATURE:
        raise ValueError("bad signature")
    pos, chunks, idat, header = 8, [], b"", None
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("truncated chunk at %d" % pos)
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ValueError("chunk %r runs past the end" % ctype)
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise ValueError("CRC mismatch in %r" % ctype)
        chunks.append(ctype.decode("latin-1"))
        if ctype == b"IHDR":
            if length != 13:
                raise ValueError("IHDR length %d" % length)
            header = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat += body
        pos += 12 + length
    if not chunks or chunks[0] != "IHDR" or chunks[-1] != "IEND":
        raise ValueError("chunk order %s" % chunks)
    width, height, depth, color, comp, filt, interlace = header
    if depth != 8 or color not in CHANNELS or comp or filt or interlace or width == 0 or height == 0:
        raise ValueError("unsupported header %s" % (header,))
    bpp = CHANNELS[color]
    stride = width * bpp
    raw = zlib.decompress(idat)
    if len(raw) != height * (stride + 1):
        raise ValueError("inflated %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    out = bytearray(height * stride)
    filters = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        filters.add(f)
        row = raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        base = y * stride
        for x in range(stride):
            a = out[base + x - bpp] if x >= bpp else 0
            b = out[base - stride + x] if y > 0 else 0
            c = out[base - stride + x - bpp] if (y > 0 and x >= bpp) else 0
            if f == 0:
                p = 0
            elif f == 1:
                p = a
            elif f == 2:
                p = b
            elif f == 3:
                p = (a + b) // 2
            elif f == 4:
                p = paeth(a, b, c)
            else:
                raise ValueError("filter %d in row %d" % (f, y))
            out[base + x] = (row[x] + p) & 0xFF
    return width, height, color, bpp, bytes(out), filters


def main(argv):
    dump = None
    if "--dump-ppm" in argv:
        i = argv.index("--dump-ppm")
        dump = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    failed = False
    last = None
    for path in argv:
        try:
            with open(path, "rb") as fh:
                width, height, color, bpp, pixels, filters = decode(fh.read())
        except (OSError, ValueError, zlib.error) as error:
            print("%s: FAILED: %s" % (path, error))
            failed = True
            continue
        colors = {pixels[i:i + bpp] for i in range(0, len(pixels), bpp)}
        mean = sum(pixels) / len(pixels)
        print("%s: %dx%d color=%d filters=%s mean=%.1f distinct_colors=%d ok"
              % (path, width, height, color, sorted(filters), mean, len(colors)))
        last = (width, height, bpp, pixels)
    if dump and last:
        width, height, bpp, pixels = last
        with open(dump, "wb") as fh:
            if bpp == 1:
                fh.write(b"P5\n%d %d\n255\n" % (width, height) + pixels)
            else:
                rgb = bytearray()
                for i in range(0, len(pixels), bpp):
                    rgb += pixels[i:i + 3]
                fh.write(b"P6\n%d %d\n255\n" % (width, height) + bytes(rgb))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
