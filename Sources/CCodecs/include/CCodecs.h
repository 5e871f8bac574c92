// The system codecs the dataset readers decode with: zlib (gzip), libpng and libjpeg.
// Only the Zoo target imports this module; Debian packages: zlib1g-dev, libpng-dev, libjpeg-dev.
#ifndef GRADUS_CCODECS_H
#define GRADUS_CCODECS_H

#include <stddef.h>
#include <stdio.h>
#include <zlib.h>
#include <png.h>
#include <jpeglib.h>

/// Room for libjpeg's error messages (JMSG_LENGTH_MAX is 200).
#define GRADUS_CODEC_MESSAGE_LENGTH 256

/// Decodes a JPEG held in memory into interleaved 8-bit pixels (1 channel for greyscale, else 3).
///
/// libjpeg reports errors by calling a handler that must not return; Swift cannot `longjmp`, so
/// this wrapper catches them with `setjmp` and turns them into a return value.
/// Returns 0 on success: `*pixels` is `malloc`ed (`height * width * channels` bytes, the caller
/// frees it). Returns nonzero on failure, with a description in `message`.
int gradus_jpeg_decode(const unsigned char *data, size_t size, unsigned char **pixels,
                       int *width, int *height, int *channels, char *message);

/// Encodes interleaved 8-bit pixels (1 or 3 channels) as a baseline JPEG of the given quality.
///
/// Returns 0 on success: `*output` is `malloc`ed (`*output_size` bytes, the caller frees it).
/// Returns nonzero on failure, with a description in `message`.
int gradus_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                       unsigned char **output, size_t *output_size, char *message);

#endif
