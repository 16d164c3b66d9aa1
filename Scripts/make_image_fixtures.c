/* Writes the JPEG fixtures of Tests/ImageFilesTests (dev-time only; the tests never build this).
   cc -O2 Scripts/make_image_fixtures.c -ljpeg -o /tmp/make_image_fixtures && /tmp/make_image_fixtures Tests/ImageFilesTests/Fixtures
   gray.jpg: 24x16 gray, a horizontal ramp 10*x (quality 100);
   color.jpg: 16x16 RGB, left half pure red, right half pure blue (quality 100);
   truncated.jpg: the first 60% of gray.jpg's bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

static void write_jpeg(const char *path, int width, int height, int components, const unsigned char *pixels) {
    struct jpeg_compress_struct info;
    struct jpeg_error_mgr error;
    FILE *file = fopen(path, "wb");
    if (!file) { perror(path); exit(1); }
    info.err = jpeg_std_error(&error);
    jpeg_create_compress(&info);
    jpeg_stdio_dest(&info, file);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = components;
    info.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 100, TRUE);
    jpeg_start_compress(&info, TRUE);
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * width * components);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    fclose(file);
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[4096];
    unsigned char gray[24 * 16];
    for (int y = 0; y < 16; y++) for (int x = 0; x < 24; x++) gray[y * 24 + x] = (unsigned char)(10 * x);
    snprintf(path, sizeof path, "%s/gray.jpg", dir);
    write_jpeg(path, 24, 16, 1, gray);

    unsigned char color[16 * 16 * 3];
    for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) {
        unsigned char *p = color + (y * 16 + x) * 3;
        p[0] = x < 8 ? 255 : 0; p[1] = 0; p[2] = x < 8 ? 0 : 255;
    }
    snprintf(path, sizeof path, "%s/color.jpg", dir);
    write_jpeg(path, 16, 16, 3, color);

    snprintf(path, sizeof path, "%s/gray.jpg", dir);
    FILE *in = fopen(path, "rb");
    if (!in) { perror(path); return 1; }
    unsigned char buffer[65536];
    size_t n = fread(buffer, 1, sizeof buffer, in);
    fclose(in);
    snprintf(path, sizeof path, "%s/truncated.jpg", dir);
    FILE *out = fopen(path, "wb");
    if (!out) { perror(path); return 1; }
    fwrite(buffer, 1, n * 6 / 10, out);
    fclose(out);
    return 0;
}
