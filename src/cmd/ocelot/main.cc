// ocelot: the collector binary's entry point; dispatches to the subcommands.
#include <iostream>

#include "cmd/ocelot/cli.h"
#include "cmd/ocelot/commands.h"

#ifndef OCELOT_VERSION
#define OCELOT_VERSION "0.0.0"
#endif

int main(int argc, char** argv) {
  using namespace ocelot::cmd;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = ParseArgs(args);
  if (!options.ok()) {
    std::cerr << "Error: " << options.status().message() << "\n";
    return 2;
  }
  if (options->version) {
    std::cout << "ocelot version " << OCELOT_VERSION << "\n";
    return 0;
  }
  if (options->help) {
    std::cout << HelpText(options->command);
    return 0;
  }
  if (options->command == "validate") return Validate(*options);
  if (options->command == "components") return ListComponents();
  if (options->command == "print-config") return PrintConfig(*options);
  return RunCollector(*options);
}
