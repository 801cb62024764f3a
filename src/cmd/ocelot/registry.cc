#include "cmd/ocelot/registry.h"

#include "exporter/debug/factory.h"
#include "exporter/file/factory.h"
#include "exporter/nop/nop_exporter.h"
#include "processor/batch/factory.h"
#include "receiver/nop/factory.h"
#include "receiver/otlp/factory.h"

namespace ocelot::cmd {

component::Registry BuildRegistry() {
  using component::Kind;
  component::Registry r;
  r.Add(receiver::otlp::MakeFactory());
  r.Add(receiver::nop::MakeFactory());
  r.Add(processor::batch::MakeFactory());
  r.Add(exporter::file::MakeFactory());
  r.Add(exporter::debug::MakeFactory());
  r.Add(exporter::nop::MakeFactory());

  // Types the deployment's configs use that later ocelot versions build. Naming them lets
  // `validate` say "not built yet" instead of "unknown".
  r.AddPlanned(Kind::kReceiver, "filelog");
  for (const char* p : {"memory_limiter", "resource", "attributes", "probabilistic_sampler"}) {
    r.AddPlanned(Kind::kProcessor, p);
  }
  for (const char* e : {"otlp", "otlphttp", "clickhouse", "datadog"}) {
    r.AddPlanned(Kind::kExporter, e);
  }
  for (const char* x : {"health_check", "pprof", "zpages", "file_storage"}) {
    r.AddPlanned(Kind::kExtension, x);
  }
  return r;
}

}  // namespace ocelot::cmd
