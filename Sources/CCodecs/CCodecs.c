// The JPEG wrappers: libjpeg's error handler must leave through longjmp, which Swift cannot do,
// so the decode and encode calls live here, each inside one setjmp.
#include "CCodecs.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

struct gradus_jpeg_error {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
};

static void gradus_jpeg_error_exit(j_common_ptr info) {
    struct gradus_jpeg_error *error = (struct gradus_jpeg_error *)info->err;
    (*info->err->format_message)(info, error->message);
    longjmp(error->jump, 1);
}

// Warnings (e.g. "premature end of data segment") are errors here: a truncated file must not
// decode into an image that is silently grey at the bottom.
static void gradus_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0) gradus_jpeg_error_exit(info);
}

int gradus_jpeg_decode(const unsigned char *data, size_t size, unsigned char **pixels,
                       int *width, int *height, int *channels, char *message) {
    struct jpeg_decompress_struct info;
    struct gradus_jpeg_error error;
    // volatile: modified between setjmp and a possible longjmp.
    unsigned char *volatile buffer = NULL;
    message[0] = 0;
    *pixels = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = gradus_jpeg_error_exit;
    error.manager.emit_message = gradus_jpeg_emit_message;
    error.message = message;
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&info);
        free(buffer);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t row_bytes = (size_t)info.output_width * (size_t)info.output_components;
    buffer = malloc(row_bytes * info.output_height + 1);
    if (buffer == NULL) {
        snprintf(message, GRADUS_CODEC_MESSAGE_LENGTH, "out of memory for %u x %u pixels",
                 info.output_width, info.output_height);
        jpeg_destroy_decompress(&info);
        return 1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = buffer + row_bytes * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *channels = info.output_components;
    *pixels = buffer;
    jpeg_destroy_decompress(&info);
    return 0;
}

int gradus_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                       unsigned char **output, size_t *output_size, char *message) {
    struct jpeg_compress_struct info;
    struct gradus_jpeg_error error;
    unsigned char *destination = NULL;
    unsigned long destination_size = 0;
    message[0] = 0;
    *output = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = gradus_jpeg_error_exit;
    error.message = message;
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&info);
        free(destination);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &destination, &destination_size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t row_bytes = (size_t)width * (size_t)channels;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + row_bytes * info.next_scanline);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *output = destination;
    *output_size = destination_size;
    return 0;
}
