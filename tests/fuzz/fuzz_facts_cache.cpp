// libFuzzer target: the facts cache's entry reader (src/app/facts_cache_format.cpp), the payload
// without its header (the header's checksum would stop nearly every mutated input before the
// reader). Properties: it never throws or crashes, whatever the bytes; an entry it accepts is
// written back to bytes that read as the same entry (what it trusts, it can reproduce).
#include <span>
#include <string>

#include "app/facts_cache_format.h"
#include "fuzz_support.h"

namespace fuzz {

int facts_cache(const uint8_t *data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  // Lazily (as runs read entries), the analysis pieces decode on first use: garbage inside a
  // piece is found then, and the piece dropped.
  std::optional<app::CacheEntry> lazy = app::decode_cache_payload(input);
  if (lazy) {
    lazy->plain.get();
    lazy->wrapped.get();
  }
  const std::optional<app::CacheEntry> entry = app::decode_cache_payload(input, /*eager=*/true);
  if (!entry) return 0;
  expect(lazy.has_value() && static_cast<bool>(lazy->plain) == static_cast<bool>(entry->plain) &&
             static_cast<bool>(lazy->wrapped) == static_cast<bool>(entry->wrapped),
         "facts_cache", "an entry read whole is refused, or loses a piece, when read lazily");
  const std::string again = app::encode_cache_payload(*entry);
  const std::optional<app::CacheEntry> reread = app::decode_cache_payload(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(again.data()), again.size()), /*eager=*/true);
  expect(reread.has_value(), "facts_cache", "an accepted entry, written back, is rejected");
  if (reread) expect(app::encode_cache_payload(*reread) == again, "facts_cache", "a round trip changes the entry");
  // The header: the same entry behind its key reads back; under another key it does not.
  const std::string file = app::encode_cache_entry(*entry, "key");
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t *>(file.data()), file.size());
  expect(app::decode_cache_entry(bytes, "key").has_value(), "facts_cache", "an entry rejected under its own key");
  expect(!app::decode_cache_entry(bytes, "other").has_value(), "facts_cache", "an entry accepted under another key");
  return 0;
}

}  // namespace fuzz

POOLAUDIT_FUZZ_TARGET(fuzz::facts_cache)
