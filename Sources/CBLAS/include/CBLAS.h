// The only door to OpenBLAS and LAPACKE. Nothing but the Tensor target imports this module.
#pragma once
#include <cblas.h>
#include <lapacke.h>
