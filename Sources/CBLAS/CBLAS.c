// SwiftPM needs one source file in a C target; the headers in include/ are the whole interface.
#include "CBLAS.h"
