# Images must be pinned: no `latest` tag, and no reference without a tag or
# digest (which means `latest`).
package drydock.examples.no_latest

import rego.v1

__rego_metadata__ := {
	"id": "CORP-TAG-001",
	"title": "Image reference is not pinned",
	"severity": "MEDIUM",
	"description": "`latest` (or no tag) changes under you: builds and deployments stop being reproducible.",
	"remediation": "Use a version tag, or better a digest (image@sha256:…).",
	"input_kinds": ["image", "kubernetes", "compose", "dockerfile"],
}

kind := data.drydock_context.input_kind

# "host:5000/team/app:1.2@sha256:…": the tag is in the last path component,
# before any digest.
tag_of(ref) := t if {
	name := split(ref, "@")[0]
	segs := split(name, "/")
	last := segs[count(segs) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

has_digest(ref) if contains(ref, "@")

floating(ref) if tag_of(ref) == "latest"

floating(ref) if {
	not tag_of(ref)
	not has_digest(ref)
}

deny contains res if {
	kind == "image"
	input.tag == "latest"
	res := {"msg": sprintf("image %q is tagged latest", [input.reference]), "config_path": "tag"}
}

deny contains res if {
	kind == "kubernetes"
	walk(input, [path, containers])
	count(path) > 0
	path[count(path) - 1] in {"containers", "initContainers", "ephemeralContainers"}
	is_array(containers)
	some c in containers
	is_string(c.image)
	floating(c.image)
	res := {"msg": sprintf("container %q uses unpinned image %q", [c.name, c.image])}
}

deny contains res if {
	kind == "compose"
	is_object(input.services)
	some name, svc in input.services
	is_string(svc.image)
	floating(svc.image)
	res := {
		"msg": sprintf("service %s uses unpinned image %q", [name, svc.image]),
		"config_path": sprintf("services.%s.image", [name]),
	}
}

present(v) if {
	v != null
	v != ""
}

# regorus, unlike OPA, raises an error for `some x in y` when y is not a
# collection: guard every iteration over input with is_array/is_object.
stages := input.stages if is_array(input.stages) else := []

instructions(stage) := stage.instructions if is_array(stage.instructions) else := []

stage_names contains lower(s.name) if {
	some s in stages
	is_string(s.name)
}

deny contains res if {
	kind == "dockerfile"
	some s in stages
	some ins in instructions(s)
	ins.cmd == "from"
	image := s.from.image
	is_string(image)
	not lower(image) in stage_names
	lower(image) != "scratch"
	not contains(image, "$")
	unpinned(s.from)
	res := {
		"msg": sprintf("FROM %s is not pinned to a version or digest", [image]),
		"line": object.get(ins, "line", null),
	}
}

unpinned(from) if from.tag == "latest"

unpinned(from) if {
	not present(from.tag)
	not present(from.digest)
}
