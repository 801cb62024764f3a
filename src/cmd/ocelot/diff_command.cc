// Loads each side as --config would (merge in order, expand variables), without decoding, so
// environments can be compared even where their components are not built yet.
#include "cmd/ocelot/diff_command.h"

#include <filesystem>

#include "absl/strings/str_join.h"
#include "cmd/ocelot/diff.h"
#include "config/resolve.h"

namespace ocelot::cmd {
namespace {

struct Side {
  std::string label;  // the files' names without directory and extension: "production"
  std::vector<std::string> files;
  config::Node root;
};

std::string Label(const std::vector<std::string>& files) {
  std::vector<std::string> stems;
  for (const auto& f : files) stems.push_back(std::filesystem::path(f).stem().string());
  return absl::StrJoin(stems, "+");
}

std::string Table(const std::vector<AspectRow>& rows, const std::string& left,
                  const std::string& right) {
  size_t w[3] = {std::string("Aspect").size(), left.size(), right.size()};
  for (const AspectRow& r : rows) {
    w[0] = std::max(w[0], r.aspect.size());
    w[1] = std::max(w[1], r.left.size());
    w[2] = std::max(w[2], r.right.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c) {
    auto pad = [](const std::string& s, size_t n) { return s + std::string(n - s.size(), ' '); };
    return "| " + pad(a, w[0]) + " | " + pad(b, w[1]) + " | " + pad(c, w[2]) + " |\n";
  };
  std::string out = line("Aspect", left, right);
  out += "|";
  for (size_t width : w) out.append(width + 2, '-').append("|");
  out += "\n";
  for (const AspectRow& r : rows) out += line(r.aspect, r.left, r.right);
  return out;
}

std::string Text(const Side& l, const Side& r, const std::vector<AspectRow>& rows,
                 const std::vector<Difference>& diffs) {
  std::string out = "ocelot diff: " + l.label + " vs " + r.label + "\n";
  out += "  " + l.label + ": " + absl::StrJoin(l.files, ", ") + "\n";
  out += "  " + r.label + ": " + absl::StrJoin(r.files, ", ") + "\n\n";
  if (diffs.empty()) return out + "The effective configurations are the same.\n";
  out += rows.empty() ? "The summarised aspects are the same.\n" : Table(rows, l.label, r.label);
  out += "\nKey paths that differ (~ changed, - only in " + l.label + ", + only in " + r.label +
         "):\n";
  for (const Difference& d : diffs) {
    switch (d.kind) {
      case Difference::Kind::kChanged:
        out += "~ " + d.path + ": " + d.left + " -> " + d.right + "\n";
        break;
      case Difference::Kind::kOnlyLeft:
        out += "- " + d.path + ": " + d.left + "\n";
        break;
      case Difference::Kind::kOnlyRight:
        out += "+ " + d.path + ": " + d.right + "\n";
        break;
    }
  }
  return out;
}

std::string JsonSide(const Side& s) {
  std::vector<std::string> files;
  for (const auto& f : s.files) files.push_back(JsonQuote(f));
  return "{\"label\": " + JsonQuote(s.label) + ", \"files\": [" + absl::StrJoin(files, ", ") + "]}";
}

std::string Json(const Side& l, const Side& r, const std::vector<AspectRow>& rows,
                 const std::vector<Difference>& diffs) {
  std::string out = "{\n  \"left\": " + JsonSide(l) + ",\n  \"right\": " + JsonSide(r) +
                    ",\n  \"same\": " + (diffs.empty() ? "true" : "false") + ",\n  \"summary\": [";
  for (size_t i = 0; i < rows.size(); ++i) {
    out += std::string(i ? "," : "") + "\n    {\"aspect\": " + JsonQuote(rows[i].aspect) +
           ", \"left\": " + JsonQuote(rows[i].left) + ", \"right\": " + JsonQuote(rows[i].right) +
           "}";
  }
  out += rows.empty() ? "],\n" : "\n  ],\n";
  out += "  \"differences\": [";
  auto value = [](bool present, const std::string& v) {
    return present ? JsonQuote(v) : std::string("null");
  };
  for (size_t i = 0; i < diffs.size(); ++i) {
    const Difference& d = diffs[i];
    bool has_left = d.kind != Difference::Kind::kOnlyRight;
    bool has_right = d.kind != Difference::Kind::kOnlyLeft;
    const char* change = d.kind == Difference::Kind::kChanged    ? "changed"
                         : d.kind == Difference::Kind::kOnlyLeft ? "only_left"
                                                                 : "only_right";
    out += std::string(i ? "," : "") + "\n    {\"path\": " + JsonQuote(d.path) +
           ", \"change\": \"" + change + "\", \"left\": " + value(has_left, d.left) +
           ", \"right\": " + value(has_right, d.right) +
           ", \"left_location\": " + value(has_left, d.left_location.ToString()) +
           ", \"right_location\": " + value(has_right, d.right_location.ToString()) + "}";
  }
  out += diffs.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

}  // namespace

int DiffCommand(const Options& options, const config::EnvLookup& env, std::ostream& out,
                std::ostream& err) {
  Side left, right;
  left.files = options.left;
  right.files = options.right;
  if (left.files.empty() && right.files.empty() && options.args.size() == 2) {
    left.files = {options.args[0]};
    right.files = {options.args[1]};
  } else if (left.files.empty() || right.files.empty() || !options.args.empty()) {
    err << "Error: ocelot diff needs two configurations: ocelot diff A.yaml B.yaml, or "
           "--left FILE... --right FILE...\n";
    return 2;
  }
  left.label = Label(left.files);
  right.label = Label(right.files);
  if (left.label == right.label) {
    left.label = "left";
    right.label = "right";
  }
  for (Side* side : {&left, &right}) {
    std::vector<config::Source> sources;
    for (const auto& f : side->files) sources.push_back({f, ""});
    auto resolved = config::Resolve(sources, {}, env);
    if (!resolved.ok()) {
      err << "Error: " << std::string(resolved.status().message()) << "\n";
      return 2;
    }
    for (const auto& w : resolved->warnings) err << "warning: " << w << "\n";
    side->root = std::move(resolved->root);
  }
  std::vector<Difference> diffs = DiffTrees(left.root, right.root);
  std::vector<AspectRow> rows;
  for (AspectRow& row : CompareAspects(left.root, right.root)) {
    if (row.differs()) rows.push_back(std::move(row));
  }
  out << (options.json ? Json(left, right, rows, diffs) : Text(left, right, rows, diffs));
  return diffs.empty() ? 0 : 1;
}

}  // namespace ocelot::cmd
