#include "CTernKernels.h"
