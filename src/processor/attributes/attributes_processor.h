// Applies the configured attribute actions to the attributes of each span, log record or metric
// data point that the include/exclude blocks select, then passes the batch on.
//
// Threads: Consume may run on several threads at once; the actions and matchers are immutable,
// and a chunk is made private (copy-on-write) only when something in it is selected.
#pragma once

#include "component/component.h"
#include "pdata/attribute_actions.h"
#include "processor/attributes/matcher.h"

namespace ocelot::processor::attributes {

template <typename BatchT>
class AttributesProcessor final : public component::ConsumingComponent,
                                  public consumer::Consumer<BatchT> {
 public:
  AttributesProcessor(pdata::AttributeActions actions, Selector selector,
                      consumer::Consumer<BatchT>* next)
      : actions_(std::move(actions)), selector_(std::move(selector)), next_(next) {}

  absl::Status Start(component::Host&) override { return absl::OkStatus(); }
  void Shutdown() override {}
  absl::Status Consume(BatchT batch) override;

  consumer::TracesConsumer* traces() override;
  consumer::MetricsConsumer* metrics() override;
  consumer::LogsConsumer* logs() override;

 private:
  const pdata::AttributeActions actions_;
  const Selector selector_;
  consumer::Consumer<BatchT>* const next_;
};

}  // namespace ocelot::processor::attributes
