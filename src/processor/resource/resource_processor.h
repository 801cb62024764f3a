// Applies the configured attribute actions to the resource of every resource-spans,
// -metrics or -logs entry, then passes the batch on.
//
// Threads: Consume runs on the caller's thread and may run on several at once; the compiled
// actions are immutable, and each batch's chunks are made private (copy-on-write) before they
// are changed.
#pragma once

#include "component/component.h"
#include "pdata/attribute_actions.h"

namespace ocelot::processor::resource {

template <typename BatchT>
class ResourceProcessor final : public component::ConsumingComponent,
                                public consumer::Consumer<BatchT> {
 public:
  ResourceProcessor(pdata::AttributeActions actions, consumer::Consumer<BatchT>* next)
      : actions_(std::move(actions)), next_(next) {}

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  absl::Status Consume(BatchT batch) override;

  consumer::TracesConsumer* traces() override;
  consumer::MetricsConsumer* metrics() override;
  consumer::LogsConsumer* logs() override;

 private:
  const pdata::AttributeActions actions_;
  consumer::Consumer<BatchT>* const next_;
};

}  // namespace ocelot::processor::resource
