#include "cmd/ocelot/registry.h"

#include "exporter/clickhouse/factory.h"
#include "exporter/debug/factory.h"
#include "exporter/file/factory.h"
#include "exporter/nop/nop_exporter.h"
#include "exporter/otlp/factory.h"
#include "exporter/otlphttp/factory.h"
#include "extension/filestorage/factory.h"
#include "extension/healthcheck/factory.h"
#include "extension/pprof/factory.h"
#include "extension/zpages/factory.h"
#include "processor/attributes/factory.h"
#include "processor/batch/factory.h"
#include "processor/memorylimiter/factory.h"
#include "processor/probabilisticsampler/factory.h"
#include "processor/resource/factory.h"
#include "receiver/nop/factory.h"
#include "receiver/otlp/factory.h"

namespace ocelot::cmd {

component::Registry BuildRegistry() {
  using component::Kind;
  component::Registry r;
  r.Add(receiver::otlp::MakeFactory());
  r.Add(receiver::nop::MakeFactory());
  r.Add(processor::batch::MakeFactory());
  r.Add(processor::memorylimiter::MakeFactory());
  r.Add(processor::resource::MakeFactory());
  r.Add(processor::attributes::MakeFactory());
  r.Add(processor::probabilisticsampler::MakeFactory());
  r.Add(exporter::clickhouse::MakeFactory());
  r.Add(exporter::file::MakeFactory());
  r.Add(exporter::debug::MakeFactory());
  r.Add(exporter::nop::MakeFactory());
  r.Add(exporter::otlp::MakeFactory());
  r.Add(exporter::otlphttp::MakeFactory());
  r.Add(extension::filestorage::MakeFactory());
  r.Add(extension::healthcheck::MakeFactory());
  r.Add(extension::pprof::MakeFactory());
  r.Add(extension::zpages::MakeFactory());

  // Types the deployment's configs use that later ocelot versions build. Naming them lets
  // `validate` say "not built yet" instead of "unknown".
  r.AddPlanned(Kind::kReceiver, "filelog");
  r.AddPlanned(Kind::kExporter, "datadog");
  return r;
}

}  // namespace ocelot::cmd
