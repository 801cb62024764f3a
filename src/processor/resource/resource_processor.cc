#include "processor/resource/resource_processor.h"

namespace ocelot::processor::resource {
namespace {

template <typename List>
void ApplyToResources(const pdata::AttributeActions& actions, List* list) {
  for (auto& entry : *list) actions.Apply(entry.mutable_resource()->mutable_attributes());
}

void ApplyTo(const pdata::AttributeActions& a, pdata::TracesRequest* r) {
  ApplyToResources(a, r->mutable_resource_spans());
}
void ApplyTo(const pdata::AttributeActions& a, pdata::MetricsRequest* r) {
  ApplyToResources(a, r->mutable_resource_metrics());
}
void ApplyTo(const pdata::AttributeActions& a, pdata::LogsRequest* r) {
  ApplyToResources(a, r->mutable_resource_logs());
}

}  // namespace

template <typename BatchT>
absl::Status ResourceProcessor<BatchT>::Consume(BatchT batch) {
  for (size_t i = 0; i < batch.entries().size(); ++i) ApplyTo(actions_, &batch.MutableMessage(i));
  return next_->Consume(std::move(batch));
}

template <typename BatchT>
consumer::TracesConsumer* ResourceProcessor<BatchT>::traces() {
  if constexpr (std::is_same_v<BatchT, pdata::Traces>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::MetricsConsumer* ResourceProcessor<BatchT>::metrics() {
  if constexpr (std::is_same_v<BatchT, pdata::Metrics>) return this;
  return nullptr;
}
template <typename BatchT>
consumer::LogsConsumer* ResourceProcessor<BatchT>::logs() {
  if constexpr (std::is_same_v<BatchT, pdata::Logs>) return this;
  return nullptr;
}

template class ResourceProcessor<pdata::Traces>;
template class ResourceProcessor<pdata::Metrics>;
template class ResourceProcessor<pdata::Logs>;

}  // namespace ocelot::processor::resource
