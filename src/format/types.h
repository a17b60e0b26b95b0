// The type vocabulary is part of the public API: include/heron/types.h.
#pragma once

#include "heron/types.h"
