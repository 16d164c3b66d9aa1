"""Writes the small CSV fixtures of FacesTests: one per supported layout, plus bad rows.

Pixel value k of data row r (1-based) is (7 * k + 13 * r) % 256, so tests can check any pixel.
Run from this folder: python3 make_fixtures.py
"""

POINTS = ["left_eye_center", "right_eye_center", "left_eye_inner_corner", "left_eye_outer_corner",
          "right_eye_inner_corner", "right_eye_outer_corner", "left_eyebrow_inner_end",
          "left_eyebrow_outer_end", "right_eyebrow_inner_end", "right_eyebrow_outer_end", "nose_tip",
          "mouth_left_corner", "mouth_right_corner", "mouth_center_top_lip", "mouth_center_bottom_lip"]
COLUMNS = [f"{p}_{a}" for p in POINTS for a in "xy"]


def pixels(row, n):
    return " ".join(str((7 * k + 13 * row) % 256) for k in range(n))


def keypoints(row):
    # Kaggle-like values with 10 decimals, different per row and column.
    return [f"{(20 + 2.5 * j + 0.0335639098 * row + 0.1234567891 * (j % 7)):.10f}" for j in range(30)]


def write(name, lines, crlf=False, bom=False):
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    data = text.encode()
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(name, "wb") as f:
        f.write(data)


header = ",".join(COLUMNS + ["Image"])

# training.csv: row 2 has missing values (empty fields), rows 1 and 3 are complete.
rows = []
for r in (1, 2, 3):
    kp = keypoints(r)
    if r == 2:
        for j in (4, 5, 20, 21, 22, 23, 26, 27, 28, 29):
            kp[j] = ""
    rows.append(",".join(kp + [pixels(r, 9216)]))
write("training.csv", [header] + rows)
write("training_crlf_bom.csv", [header] + rows[:2], crlf=True, bom=True)

# data.csv: a leading unnamed index column (pandas' to_csv), all values present.
write("data.csv", ["," + header] + [f"{r - 1}," + ",".join(keypoints(r) + [pixels(r, 9216)]) for r in (1, 2)])

# test.csv
write("test.csv", ["ImageId,Image"] + [f"{r},{pixels(r, 9216)}" for r in (1, 2)])

# fer2013.csv: emotion,pixels,Usage with 7 classes.
usages = ["Training", "PublicTest", "PrivateTest"]
write("fer2013.csv", ["emotion,pixels,Usage"] + [f"{lab},{pixels(r, 2304)},{usages[r - 1]}"
                                                  for r, lab in ((1, 0), (2, 6), (3, 3))])

# icml_face_data.csv: leading spaces in the header, 5 classes, CRLF.
write("icml_face_data.csv", ["emotion, Usage, pixels"] + [f"{lab},{usages[r - 1]},{pixels(r, 2304)}"
                                                            for r, lab in ((1, 4), (2, 1), (3, 2))], crlf=True)

# A 5-class emotion, pixels file with a BOM.
write("emotion_pixels.csv", ["emotion, pixels"] + [f"{lab},{pixels(r, 2304)}" for r, lab in ((1, 3), (2, 0))], bom=True)

# Bad rows: each file has one error at a known row and column.
short = " ".join(pixels(2, 9216).split()[:9215])
write("bad_image_count.csv", [header, ",".join(keypoints(1) + [pixels(1, 9216)]), ",".join(keypoints(2) + [short])])
kp = keypoints(1)
kp[1] = "abc"
write("bad_keypoint.csv", [header, ",".join(kp + [pixels(1, 9216)])])
write("bad_fields.csv", ["emotion,pixels,Usage", f"0,{pixels(1, 2304)},Training", f"1,{pixels(2, 2304)}"])
values = pixels(1, 2304).split()
values[4] = "256"
write("bad_pixel.csv", ["emotion,pixels,Usage", f"0,{' '.join(values)},Training"])
values = pixels(3, 2304).split()
values[9] = "12a"
write("bad_pixel_token.csv", ["emotion, pixels", f"0,{pixels(1, 2304)}", f"1,{pixels(2, 2304)}", f"2,{' '.join(values)}"])
write("bad_label.csv", ["emotion, Usage, pixels", f"0,Training,{pixels(1, 2304)}", f"x,Training,{pixels(2, 2304)}"])
write("bad_header.csv", ["foo,bar", "1,2"])

# Gzipped copies (as the real dev sets are shipped), a truncated one and one with a bad body.
import gzip


def write_gz(name, source):
    with open(source, "rb") as f:
        data = gzip.compress(f.read(), mtime=0)
    with open(name, "wb") as f:
        f.write(data)
    return data


write_gz("training.csv.gz", "training.csv")
packed = write_gz("emotion_pixels.csv.gz", "emotion_pixels.csv")
with open("bad_truncated.csv.gz", "wb") as f:
    f.write(packed[:len(packed) // 2])
broken = bytearray(packed)
for k in range(40, 60):
    broken[k] ^= 0xA5
with open("bad_corrupt.csv.gz", "wb") as f:
    f.write(bytes(broken))
# A plain CSV under a .gz name.
with open("bad_header.csv.gz", "w") as f:
    f.write("foo,bar\n1,2\n")
