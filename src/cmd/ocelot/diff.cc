// The tree walk and the aspect summary. Values are rendered as short YAML-like text; secrets
// are compared by their real values (so a changed password shows as a change) but rendered
// as [REDACTED].
#include "cmd/ocelot/diff.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "absl/strings/str_join.h"
#include "cmd/ocelot/lint.h"

namespace ocelot::cmd {
namespace {

using config::Node;

constexpr std::string_view kRedacted = "[REDACTED]";

bool AllScalars(const Node& seq) {
  return std::all_of(seq.items().begin(), seq.items().end(),
                     [](const Node& n) { return n.is_scalar() || n.is_null(); });
}

std::string RenderScalar(const Node& n, bool secret) {
  if (n.is_null()) return "null";
  if (n.scalar().empty()) return "\"\"";
  if (secret) return std::string(kRedacted);
  return n.scalar();
}

// Flow-style text of any node, for values whose shape differs between the sides.
std::string Render(const Node& n, bool secret) {
  switch (n.kind()) {
    case Node::Kind::kNull:
    case Node::Kind::kScalar:
      return RenderScalar(n, secret);
    case Node::Kind::kSequence: {
      std::vector<std::string> items;
      for (const Node& item : n.items()) items.push_back(Render(item, secret));
      return "[" + absl::StrJoin(items, ", ") + "]";
    }
    case Node::Kind::kMap: {
      std::vector<std::string> items;
      for (const Node::Entry& e : n.entries()) {
        items.push_back(e.key + ": " + Render(e.value, secret || IsSecretField(n, e)));
      }
      return "{" + absl::StrJoin(items, ", ") + "}";
    }
  }
  return "";
}

// What two leaves are compared by: the real text (secrets included, never shown).
std::string Identity(const Node& n) {
  if (n.is_scalar()) return "s:" + n.scalar();
  if (n.is_null()) return "n";
  return "c:" + Render(n, false);
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "::" + key;
}

class Walker {
 public:
  std::vector<Difference> out;

  void Both(const std::string& path, const Node& l, const Node& r, bool secret) {
    bool l_map = l.is_map() || l.is_null();
    bool r_map = r.is_map() || r.is_null();
    // "health_check:" (null) and "health_check: {endpoint: x}" differ by the endpoint only.
    if (l_map && r_map && (l.is_map() || r.is_map())) {
      static const Node kEmpty = Node::Map({});
      const Node& lm = l.is_map() ? l : kEmpty;
      const Node& rm = r.is_map() ? r : kEmpty;
      for (const Node::Entry& e : lm.entries()) {
        const Node* other = rm.Find(e.key);
        bool s = secret || IsSecretField(lm, e);
        if (other) {
          Both(Child(path, e.key), e.value, *other, s);
        } else {
          OneSide(Child(path, e.key), e.value, s, Difference::Kind::kOnlyLeft);
        }
      }
      for (const Node::Entry& e : rm.entries()) {
        if (lm.Find(e.key) == nullptr) {
          OneSide(Child(path, e.key), e.value, secret || IsSecretField(rm, e),
                  Difference::Kind::kOnlyRight);
        }
      }
      return;
    }
    if (l.is_sequence() && r.is_sequence() && !(AllScalars(l) && AllScalars(r))) {
      size_t common = std::min(l.items().size(), r.items().size());
      for (size_t i = 0; i < common; ++i) Both(Index(path, i), l.items()[i], r.items()[i], secret);
      for (size_t i = common; i < l.items().size(); ++i) {
        OneSide(Index(path, i), l.items()[i], secret, Difference::Kind::kOnlyLeft);
      }
      for (size_t i = common; i < r.items().size(); ++i) {
        OneSide(Index(path, i), r.items()[i], secret, Difference::Kind::kOnlyRight);
      }
      return;
    }
    if (Identity(l) == Identity(r)) return;
    Difference d;
    d.kind = Difference::Kind::kChanged;
    d.path = path;
    d.left = Render(l, secret);
    d.right = Render(r, secret);
    d.left_location = l.location();
    d.right_location = r.location();
    out.push_back(std::move(d));
  }

  void OneSide(const std::string& path, const Node& n, bool secret, Difference::Kind kind) {
    if (n.is_map() && !n.entries().empty()) {
      for (const Node::Entry& e : n.entries()) {
        OneSide(Child(path, e.key), e.value, secret || IsSecretField(n, e), kind);
      }
      return;
    }
    if (n.is_sequence() && !n.items().empty() && !AllScalars(n)) {
      for (size_t i = 0; i < n.items().size(); ++i)
        OneSide(Index(path, i), n.items()[i], secret, kind);
      return;
    }
    Difference d;
    d.kind = kind;
    d.path = path;
    (kind == Difference::Kind::kOnlyLeft ? d.left : d.right) = Render(n, secret);
    (kind == Difference::Kind::kOnlyLeft ? d.left_location : d.right_location) = n.location();
    out.push_back(std::move(d));
  }

 private:
  static std::string Index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }
};

// ---- aspects ----

const Node* At(const Node& root, std::initializer_list<std::string_view> keys) {
  const Node* n = &root;
  for (std::string_view k : keys) {
    n = n->Find(k);
    if (n == nullptr) return nullptr;
  }
  return n;
}

std::string TypeOf(const std::string& id) { return id.substr(0, id.find('/')); }

std::vector<std::string> ScalarList(const Node* n) {
  std::vector<std::string> out;
  if (n == nullptr) return out;
  if (n->is_scalar()) out.push_back(n->scalar());
  if (n->is_sequence()) {
    for (const Node& item : n->items()) {
      if (item.is_scalar()) out.push_back(item.scalar());
    }
  }
  return out;
}

std::string ScalarOr(const Node* n, std::string fallback) {
  return n && n->is_scalar() ? n->scalar() : fallback;
}

// Components of one section whose type is `type`, in file order.
std::vector<const Node::Entry*> OfType(const Node& root, const char* section, const char* type) {
  std::vector<const Node::Entry*> out;
  const Node* s = root.Find(section);
  if (s == nullptr || !s->is_map()) return out;
  for (const Node::Entry& e : s->entries()) {
    if (TypeOf(e.key) == type) out.push_back(&e);
  }
  return out;
}

// One value per component: the value alone for a single component, "id: value" for several.
std::string PerComponent(const std::vector<const Node::Entry*>& entries,
                         const std::function<std::string(const Node&)>& describe,
                         const std::string& none) {
  if (entries.empty()) return none;
  if (entries.size() == 1) return describe(entries[0]->value);
  std::vector<std::string> parts;
  for (const Node::Entry* e : entries) parts.push_back(e->key + ": " + describe(e->value));
  return absl::StrJoin(parts, "; ");
}

struct Pipeline {
  std::string name;
  std::vector<std::string> receivers, processors, exporters;
};

std::vector<Pipeline> Pipelines(const Node& root) {
  std::vector<Pipeline> out;
  const Node* p = At(root, {"service", "pipelines"});
  if (p == nullptr || !p->is_map()) return out;
  for (const Node::Entry& e : p->entries()) {
    out.push_back({e.key, ScalarList(e.value.Find("receivers")),
                   ScalarList(e.value.Find("processors")), ScalarList(e.value.Find("exporters"))});
  }
  return out;
}

std::string BatchTimeout(const Node& root) {
  return PerComponent(
      OfType(root, "processors", "batch"),
      [](const Node& b) { return ScalarOr(b.Find("timeout"), "200ms (default)"); },
      "no batch processor");
}

std::string BatchSize(const Node& root) {
  return PerComponent(
      OfType(root, "processors", "batch"),
      [](const Node& b) { return ScalarOr(b.Find("send_batch_size"), "8192 (default)"); },
      "no batch processor");
}

std::string MemoryLimit(const Node& root) {
  return PerComponent(
      OfType(root, "processors", "memory_limiter"),
      [](const Node& m) {
        if (const Node* mib = m.Find("limit_mib")) {
          std::string s = ScalarOr(mib, "?") + " MiB";
          if (const Node* spike = m.Find("spike_limit_mib")) {
            s += " (spike " + ScalarOr(spike, "?") + " MiB)";
          }
          return s;
        }
        if (const Node* pct = m.Find("limit_percentage")) {
          std::string s = ScalarOr(pct, "?") + "% of memory";
          if (const Node* spike = m.Find("spike_limit_percentage")) {
            s += " (spike " + ScalarOr(spike, "?") + "%)";
          }
          return s;
        }
        return std::string("no limit set");
      },
      "not configured");
}

std::string Exporters(const std::vector<Pipeline>& pipelines, const std::string& name) {
  for (const Pipeline& p : pipelines) {
    if (p.name == name) return p.exporters.empty() ? "none" : absl::StrJoin(p.exporters, ", ");
  }
  return "no " + name + " pipeline";
}

std::string Extensions(const Node& root) {
  std::vector<std::string> list = ScalarList(At(root, {"service", "extensions"}));
  return list.empty() ? "none" : absl::StrJoin(list, ", ");
}

std::string LogProcessing(const Node& root) {
  const Node* receivers = root.Find("receivers");
  std::vector<std::string> parts;
  std::vector<Pipeline> logs;
  for (const Pipeline& p : Pipelines(root)) {
    if (TypeOf(p.name) == "logs") logs.push_back(p);
  }
  if (logs.empty()) return "no logs pipeline";
  for (const Pipeline& p : logs) {
    std::vector<std::string> described;
    for (const std::string& id : p.receivers) {
      const Node* r = receivers ? receivers->Find(id) : nullptr;
      if (TypeOf(id) != "filelog" || r == nullptr) {
        described.push_back(id);
        continue;
      }
      std::vector<std::string> ops;
      if (const Node* o = r->Find("operators"); o && o->is_sequence()) {
        for (const Node& op : o->items()) ops.push_back(ScalarOr(op.Find("type"), "?"));
      }
      described.push_back(id +
                          (ops.empty() ? " (no parsing)" : " (" + absl::StrJoin(ops, ", ") + ")"));
    }
    std::string text = described.empty() ? "no receivers" : absl::StrJoin(described, ", ");
    parts.push_back(logs.size() == 1 ? text : p.name + ": " + text);
  }
  return absl::StrJoin(parts, "; ");
}

std::string Sampling(const Node& root) {
  const Node* processors = root.Find("processors");
  // Sampler id -> the pipelines it runs in, in first-use order.
  std::vector<std::pair<std::string, std::vector<std::string>>> samplers;
  for (const Pipeline& p : Pipelines(root)) {
    for (const std::string& id : p.processors) {
      if (TypeOf(id) != "probabilistic_sampler") continue;
      auto it = std::find_if(samplers.begin(), samplers.end(),
                             [&](const auto& s) { return s.first == id; });
      if (it == samplers.end()) it = samplers.insert(samplers.end(), {id, {}});
      it->second.push_back(p.name);
    }
  }
  if (samplers.empty()) return "everything kept (no sampler)";
  std::vector<std::string> parts;
  for (const auto& [id, used_by] : samplers) {
    const Node* cfg = processors ? processors->Find(id) : nullptr;
    std::string pct = cfg ? ScalarOr(cfg->Find("sampling_percentage"), "0 (default)") : "?";
    parts.push_back(pct + "% of " + absl::StrJoin(used_by, ", "));
  }
  return absl::StrJoin(parts, "; ");
}

std::string FileRetention(const Node& file) {
  const Node* rotation = file.Find("rotation");
  if (rotation == nullptr) return "not rotated";
  std::string days = ScalarOr(rotation->Find("max_days"), "0");
  return days == "0" ? "no age limit" : days + " days";
}

std::string ClickHouseRetention(const Node& clickhouse) {
  if (const Node* ttl = clickhouse.Find("ttl")) return ScalarOr(ttl, "?");
  if (const Node* days = clickhouse.Find("ttl_days")) return ScalarOr(days, "?") + " days";
  return "none (kept forever)";
}

// Identical descriptions collapse to one: "files 7 days", not "file/a: 7 days; file/b: 7 days".
std::string Collapsed(const std::vector<const Node::Entry*>& entries,
                      const std::function<std::string(const Node&)>& describe) {
  for (const Node::Entry* e : entries) {
    if (describe(e->value) != describe(entries[0]->value)) {
      return PerComponent(entries, describe, "");
    }
  }
  return describe(entries[0]->value);
}

std::string Retention(const Node& root) {
  std::vector<std::string> parts;
  if (auto files = OfType(root, "exporters", "file"); !files.empty()) {
    parts.push_back("files " + Collapsed(files, FileRetention));
  }
  if (auto ch = OfType(root, "exporters", "clickhouse"); !ch.empty()) {
    parts.push_back("ClickHouse TTL " + Collapsed(ch, ClickHouseRetention));
  }
  return parts.empty() ? "not limited by the collector" : absl::StrJoin(parts, "; ");
}

std::string SendingQueue(const Node& root) {
  const Node* exporters = root.Find("exporters");
  if (exporters == nullptr || !exporters->is_map()) return "no queued exporters";
  // Kind of queue -> exporters, in file order of first appearance.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const Node::Entry& e : exporters->entries()) {
    if (!HasSendingQueue(TypeOf(e.key))) continue;
    const Node* q = e.value.Find("sending_queue");
    std::string kind = "memory";
    if (q && ScalarOr(q->Find("enabled"), "true") == "false") {
      kind = "disabled";
    } else if (q && q->Find("storage")) {
      kind = "persistent (" + ScalarOr(q->Find("storage"), "?") + ")";
    }
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == kind; });
    if (it == groups.end()) it = groups.insert(groups.end(), {kind, {}});
    it->second.push_back(e.key);
  }
  if (groups.empty()) return "no queued exporters";
  std::vector<std::string> parts;
  for (const auto& [kind, ids] : groups) parts.push_back(kind + ": " + absl::StrJoin(ids, ", "));
  return absl::StrJoin(parts, "; ");
}

}  // namespace

std::vector<Difference> DiffTrees(const Node& left, const Node& right) {
  Walker w;
  w.Both("", left, right, false);
  return std::move(w.out);
}

std::vector<AspectRow> CompareAspects(const Node& left, const Node& right) {
  std::vector<AspectRow> rows;
  auto add = [&](std::string aspect, const std::function<std::string(const Node&)>& f) {
    rows.push_back({std::move(aspect), f(left), f(right)});
  };
  add("Batch timeout", BatchTimeout);
  add("Batch size", BatchSize);
  add("Memory limit", MemoryLimit);
  std::vector<Pipeline> lp = Pipelines(left), rp = Pipelines(right);
  std::vector<std::string> names;
  for (const auto* side : {&lp, &rp}) {
    for (const Pipeline& p : *side) {
      if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
    }
  }
  for (const std::string& name : names) {
    rows.push_back({"Exporters (" + name + ")", Exporters(lp, name), Exporters(rp, name)});
  }
  add("Extensions", Extensions);
  add("Log processing", LogProcessing);
  add("Sampling", Sampling);
  add("Retention", Retention);
  add("Sending queue", SendingQueue);
  return rows;
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace ocelot::cmd
