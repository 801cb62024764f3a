// The one place every built-in component registers (and where planned ones are named).
#pragma once

#include "component/factory.h"

namespace ocelot::cmd {
component::Registry BuildRegistry();
}
