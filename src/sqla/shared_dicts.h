#pragma once
// A `**OPTS` dict that only one engine call reads is that engine's own, and a fix may edit it in
// place (sqla::ArgumentSpan's value of a `**NAME` splat, edit_anchors.h). Whether another module
// may import it is known only across files: this is the project-phase half of that decision.
#include "sqla/facts.h"

namespace sqla {

/// The module of `file` may be imported by another file (or that is not known): its `**NAME`
/// splats lose the own-dict mark (the splat's value becomes the argument again). A wrapper's own
/// `**kwargs` parameter cannot be imported and keeps its mark.
void share_module_dicts(FileFacts& file);

}  // namespace sqla
