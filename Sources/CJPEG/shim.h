#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/* libjpeg reports fatal errors through error_exit, which by default ends the process.
   This error manager jumps back into ainb_jpeg_decode_gray instead, so a broken file is
   an error value, never an exit. Everything that can jump stays inside this C function. */
struct ainb_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    int truncated;
    char message[JMSG_LENGTH_MAX];
};

static void ainb_jpeg_error_exit(j_common_ptr info) {
    struct ainb_jpeg_error *error = (struct ainb_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

/* Warnings are not printed; a premature end of data is remembered (libjpeg would fill the
   missing rows with gray and carry on). */
static void ainb_jpeg_warning(j_common_ptr info, int level) {
    struct ainb_jpeg_error *error = (struct ainb_jpeg_error *)info->err;
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        error->truncated = 1;
        (*info->err->format_message)(info, error->message);
    }
}

/* Decodes JPEG bytes to 8-bit gray (libjpeg's own colour conversion: the luma channel).
   On success returns 1 and a malloc'ed buffer of width * height bytes in *pixels (the caller
   frees it with free); on failure returns 0 and libjpeg's message in `message`. */
static inline int ainb_jpeg_decode_gray(const unsigned char *data, unsigned long size, unsigned char **pixels,
                                        int *width, int *height, char *message, int messageSize) {
    struct jpeg_decompress_struct info;
    struct ainb_jpeg_error error;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = ainb_jpeg_error_exit;
    error.manager.emit_message = ainb_jpeg_warning;
    error.truncated = 0;
    error.message[0] = 0;
    if (setjmp(error.jump)) {
        snprintf(message, (size_t)messageSize, "%s", error.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return 0;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&info);
    if (info.output_components != 1 || info.output_width == 0 || info.output_height == 0
        || (size_t)info.output_width * info.output_height > ((size_t)1 << 28)) {
        snprintf(message, (size_t)messageSize, "unsupported JPEG layout (%d components, %ux%u)",
                 info.output_components, info.output_width, info.output_height);
        jpeg_destroy_decompress(&info);
        return 0;
    }
    size_t rowBytes = info.output_width;
    buffer = (unsigned char *)malloc(rowBytes * info.output_height);
    if (buffer == NULL) {
        snprintf(message, (size_t)messageSize, "out of memory");
        jpeg_destroy_decompress(&info);
        return 0;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + (size_t)info.output_scanline * rowBytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    /* A file cut short decodes its missing rows as gray with a warning; treat that as broken. */
    if (error.truncated) {
        snprintf(message, (size_t)messageSize, "%s", error.message);
        jpeg_destroy_decompress(&info);
        free(buffer);
        return 0;
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
    *pixels = buffer;
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    return 1;
}
