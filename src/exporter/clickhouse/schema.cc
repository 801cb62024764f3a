// CREATE statements and the system.columns comparison run at start.
#include "exporter/clickhouse/schema.h"

#include <map>

namespace ocelot::exporter::clickhouse {
namespace {

exporterhelper::Deadline After(std::chrono::milliseconds timeout) {
  return std::chrono::steady_clock::now() + timeout;
}

// TabSeparated unescaping for the few escapes names and types can contain.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out.push_back(c == 't' ? '\t' : c == 'n' ? '\n' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> SplitTabs(std::string_view line) {
  std::vector<std::string> out;
  for (;;) {
    size_t tab = line.find('\t');
    out.push_back(Unescape(line.substr(0, tab)));
    if (tab == std::string_view::npos) return out;
    line = line.substr(tab + 1);
  }
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

std::string CompareColumns(const ExpectedTable& expected, const std::vector<ServerColumn>& actual) {
  std::map<std::string, const ServerColumn*> by_name;
  for (const ServerColumn& c : actual) by_name[c.name] = &c;
  std::vector<std::string> missing, different, unexpected;
  for (const auto& [name, type] : expected.columns) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      missing.push_back(name + " " + type);
      continue;
    }
    if (it->second->type != type) {
      different.push_back(name + " is " + it->second->type + ", expected " + type);
    } else if (it->second->default_kind == "MATERIALIZED" || it->second->default_kind == "ALIAS") {
      different.push_back(name + " is " + it->second->default_kind + " and cannot be inserted");
    }
    by_name.erase(it);
  }
  for (const ServerColumn& c : actual) {
    if (by_name.count(c.name) == 0 || !c.default_kind.empty()) continue;
    unexpected.push_back(c.name + " " + c.type);
  }
  std::string out;
  auto group = [&](const char* title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    if (!out.empty()) out += "; ";
    out += title;
    for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  };
  group("different types: ", different);
  group("missing columns: ", missing);
  group("unexpected columns: ", unexpected);
  return out;
}

absl::Status EnsureSchema(Client& client, const DdlOptions& ddl, bool create,
                          const std::vector<pdata::Signal>& signals,
                          std::chrono::milliseconds timeout) {
  if (create) {
    if (ddl.database != "default") {
      Statement s = CreateDatabase(ddl);
      auto r = client.Execute(s.sql, After(timeout), /*in_database=*/false);
      if (!r.ok()) {
        return absl::Status(r.status().code(), "cannot create " + s.kind + " " + s.object + ": " +
                                                   std::string(r.status().message()));
      }
    }
    for (pdata::Signal signal : signals) {
      for (const Statement& s : CreateStatements(ddl, signal)) {
        auto r = client.Execute(s.sql, After(timeout));
        if (!r.ok()) {
          return absl::Status(r.status().code(), "cannot create " + s.kind + " " + s.object + ": " +
                                                     std::string(r.status().message()));
        }
      }
    }
  }

  std::vector<ExpectedTable> expected;
  for (pdata::Signal signal : signals) {
    for (ExpectedTable& t : ExpectedTables(ddl.tables, signal)) expected.push_back(std::move(t));
  }
  if (expected.empty()) return absl::OkStatus();
  std::string names;
  for (const ExpectedTable& t : expected) names += (names.empty() ? "" : ", ") + Quote(t.name);
  // Run in the configured database, so a database that does not exist answers as such.
  auto body = client.Execute(
      "SELECT table, name, type, default_kind FROM system.columns WHERE database = "
      "currentDatabase() AND table IN (" +
          names + ") ORDER BY table, position FORMAT TabSeparated",
      After(timeout));
  if (!body.ok()) {
    return absl::Status(body.status().code(),
                        "cannot read the table schemas: " + std::string(body.status().message()));
  }
  std::map<std::string, std::vector<ServerColumn>> columns;
  std::string_view rest = *body;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::vector<std::string> f = SplitTabs(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (f.size() < 4) continue;
    columns[f[0]].push_back({f[1], f[2], f[3]});
  }
  for (const ExpectedTable& t : expected) {
    const std::string qualified = ddl.database + "." + t.name;
    auto it = columns.find(t.name);
    if (it == columns.end()) {
      return absl::FailedPreconditionError(
          "table " + qualified + " does not exist" +
          (create ? "" : " (create_schema is false: create it, or set create_schema: true)"));
    }
    std::string diff = CompareColumns(t, it->second);
    if (!diff.empty()) {
      return absl::FailedPreconditionError(
          "table " + qualified +
          " exists with columns that differ from those ocelot writes (otelcol-contrib 0.96 "
          "schema): " +
          diff +
          "; refusing to write into it (migrate or drop it, or configure another table "
          "name)");
    }
  }
  return absl::OkStatus();
}

}  // namespace ocelot::exporter::clickhouse
