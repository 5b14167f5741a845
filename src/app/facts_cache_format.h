#pragma once
// The on-disk format of one facts-cache entry (facts_cache.h): what the file phase keeps of one
// Python file, in pieces, each computed when a pass first needs it. One reader, one writer, in
// facts_cache_format.cpp: when sqla::FileFacts or app::FileResult change, that file changes (and
// kFactsCacheFormat with it).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/suppressions.h"
#include "core/finding.h"
#include "core/role.h"
#include "sqla/facts.h"

namespace app {

/// Bump on any change of what an entry holds or how it is encoded (a field of FileFacts too):
/// entries of another format are ignored and rewritten.
inline constexpr uint32_t kFactsCacheFormat = 3;

/// The pre-filter's scan of a file. Imports are kept as module names, not file indices: the
/// indices depend on the whole walk (ModuleIndex), the names only on the file.
struct CachedScan {
  bool relevant = false;         ///< scan.relevant || relevant_path()
  bool has_with = false;
  bool has_yield = false;
  bool local_generator = false;
  std::vector<std::string> reach_names;   ///< Scan::imports
  std::vector<std::string> other_names;   ///< imported_names() of a file the scan did not read imports of
  /// The suppression comments of a file the pre-filter leaves unparsed (a textual scan).
  std::optional<std::vector<Directive>> comment_directives;
};

/// A parse and analysis of the file, as process() leaves it.
struct CachedAnalysis {
  std::vector<core::Finding> diagnostics;
  std::vector<Directive> directives;
  std::optional<sqla::FileFacts> python;  ///< nullopt: the parser gave up, or the work budget ran out
  bool skipped = false;
  core::FileRole role = core::FileRole::kProduction;
};

/// An analysis piece of an entry, decoded only when the run uses it: a file the run only scans
/// never pays for its facts. Until then it holds the piece's bytes as stored (the entry's checksum
/// covered them), and an entry stored again writes them back unchanged.
class LazyAnalysis {
 public:
  LazyAnalysis() = default;
  LazyAnalysis& operator=(CachedAnalysis analysis) {
    value_ = std::move(analysis);
    drop_bytes();
    return *this;
  }
  /// True when the entry holds this piece (decoded or not).
  bool has_value() const { return value_.has_value() || !bytes_.empty(); }
  explicit operator bool() const { return has_value(); }
  void reset() {
    value_.reset();
    drop_bytes();
  }
  /// The piece, decoded on first use; null when the entry has none, or when its bytes do not
  /// decode (then it is dropped: the caller computes it again, and the entry is rewritten). The
  /// bytes stay: they are what the entry is stored with (the decoded piece may be taken apart).
  CachedAnalysis* get();
  CachedAnalysis* operator->() { return get(); }
  /// Moves the decoded piece out. A piece read from the entry keeps its bytes (the entry can be
  /// stored, or decoded again); a piece computed this run is gone.
  std::optional<CachedAnalysis> take() {
    std::optional<CachedAnalysis> out = std::move(value_);
    value_.reset();
    return out;
  }

  // The format's reader and writer (facts_cache_format.cpp).
  const std::optional<CachedAnalysis>& decoded() const { return value_; }
  std::string_view stored_bytes() const { return bytes_; }
  /// `bytes` lie in `owner` (the entry file as read: no copy per piece).
  void set_stored_bytes(std::shared_ptr<const std::string> owner, std::string_view bytes) {
    value_.reset();
    owner_ = std::move(owner);
    bytes_ = bytes;
  }

 private:
  void drop_bytes() {
    owner_.reset();
    bytes_ = {};
  }
  std::optional<CachedAnalysis> value_;
  std::shared_ptr<const std::string> owner_;
  std::string_view bytes_;  ///< the piece as read, in `owner_` (never empty when held)
};

/// Everything cached of one file. Each piece is valid for the content hash; `wrapped` also only
/// for the wrappers hashed into `wrappers_key`.
struct CacheEntry {
  uint64_t content_hash = 0;     ///< XXH3-64 of the bytes as read
  // The stat short-cut: a file whose stat matches is taken as unchanged without reading it.
  // All zero: not trusted (stamped while the file might still change in the same clock tick).
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t ctime_ns = 0;
  uint64_t inode = 0;
  core::FileRole role = core::FileRole::kProduction;  ///< classified from path and text, before analysis
  std::optional<CachedScan> scan;
  LazyAnalysis plain;   ///< analysed without project wrappers (first pass)
  // Second pass (file_phase.cpp): a file that names a project wrapper is analysed again with the
  // wrappers known. That depends on other files, so it is keyed on a hash of the wrappers.
  uint64_t wrappers_key = 0;             ///< 0: nothing cached for any wrappers
  bool names_wrapper = false;            ///< for `wrappers_key`
  LazyAnalysis wrapped; ///< for `wrappers_key`, when names_wrapper
};

/// The bytes of an entry file: a header (magic, format, the key it was written for, a checksum
/// of the payload), then the payload (facts_cache_format.cpp says how fields are encoded).
std::string encode_cache_entry(const CacheEntry& entry, const std::string& key);

/// The entry, or nullopt for anything else: another format or key, a bad checksum, a truncated
/// or malformed payload. Never throws.
std::optional<CacheEntry> decode_cache_entry(std::span<const uint8_t> bytes, const std::string& key);
/// The same, for an entry file read whole: its analysis pieces keep `file` alive instead of
/// copying their bytes until they are decoded.
std::optional<CacheEntry> decode_cache_entry(const std::shared_ptr<const std::string>& file, const std::string& key);

/// The payload alone (the fuzz target reads it without a header). Never throws. The analysis
/// pieces stay encoded until used (LazyAnalysis::get()); `eager` decodes them now, and then an
/// entry with a piece that does not decode is rejected whole.
std::optional<CacheEntry> decode_cache_payload(std::span<const uint8_t> payload, bool eager = false);
std::string encode_cache_payload(const CacheEntry& entry);

/// The wrappers as bytes, for the second pass's key.
std::string encode_wrappers(const std::vector<sqla::Wrapper>& wrappers);

}  // namespace app
