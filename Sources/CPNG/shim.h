#include <png.h>
#include <string.h>
#include <stdlib.h>

/* Decodes PNG bytes to 8-bit gray with libpng's simplified API, which keeps libpng's
   longjmp-based error handling inside C. Colour is converted to gray and alpha is composited
   onto white. On success returns 1 and a malloc'ed buffer of width * height bytes in *pixels
   (the caller frees it with free); on failure returns 0 and libpng's message in `message`. */
static inline int ainb_png_decode_gray(const unsigned char *data, size_t size, unsigned char **pixels,
                                       int *width, int *height, char *message, int messageSize) {
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    *pixels = NULL;
    if (!png_image_begin_read_from_memory(&image, data, size)) {
        snprintf(message, (size_t)messageSize, "%s", image.message);
        return 0;
    }
    image.format = PNG_FORMAT_GRAY;
    if (image.width == 0 || image.height == 0 || (size_t)image.width * image.height > ((size_t)1 << 28)) {
        snprintf(message, (size_t)messageSize, "unsupported size %ux%u", image.width, image.height);
        png_image_free(&image);
        return 0;
    }
    unsigned char *buffer = (unsigned char *)malloc(PNG_IMAGE_SIZE(image));
    if (buffer == NULL) {
        snprintf(message, (size_t)messageSize, "out of memory");
        png_image_free(&image);
        return 0;
    }
    png_color background = {255, 255, 255};
    if (!png_image_finish_read(&image, &background, buffer, 0, NULL)) {
        snprintf(message, (size_t)messageSize, "%s", image.message);
        free(buffer);
        png_image_free(&image);
        return 0;
    }
    *pixels = buffer;
    *width = (int)image.width;
    *height = (int)image.height;
    return 1;
}
