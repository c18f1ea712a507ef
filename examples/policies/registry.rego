# Images must come from the corporate registry.
#
# Checks image scans (the scanned reference), Kubernetes objects (every
# container, init container and ephemeral container image), Compose services
# and Dockerfile FROM lines. Allowed registries come from
# `data.allowed_registries` (see data.yaml), else registry.corp.example.
package drydock.examples.registry

import rego.v1

__rego_metadata__ := {
	"id": "CORP-REG-001",
	"title": "Image is not from an approved registry",
	"severity": "HIGH",
	"description": "Only images mirrored into the corporate registry are scanned, signed and supported.",
	"remediation": "Mirror the image into registry.corp.example and reference it from there.",
	"input_kinds": ["image", "kubernetes", "compose", "dockerfile"],
}

default allowed_registries := ["registry.corp.example"]

allowed_registries := data.allowed_registries

kind := data.drydock_context.input_kind

# The registry of a reference as written: the first path component when it
# looks like a host (has a dot or a port, or is localhost), else Docker Hub.
registry_of(ref) := lower(host) if {
	parts := split(ref, "/")
	count(parts) > 1
	host := parts[0]
	looks_like_host(host)
} else := "docker.io"

looks_like_host(h) if contains(h, ".")

looks_like_host(h) if contains(h, ":")

looks_like_host(h) if h == "localhost"

approved(ref) if registry_of(ref) in allowed_registries

message(ref) := sprintf("image %q comes from %s, not from %s", [
	ref, registry_of(ref), concat(" or ", allowed_registries),
])

# --- image scans -----------------------------------------------------------

deny contains res if {
	kind == "image"
	is_string(input.registry)
	not lower(input.registry) in allowed_registries
	res := {
		"msg": sprintf("image %q comes from %s, not from %s", [
			input.reference, input.registry, concat(" or ", allowed_registries),
		]),
		"config_path": "reference",
	}
}

# --- Kubernetes ------------------------------------------------------------

container_lists := {"containers", "initContainers", "ephemeralContainers"}

object_name := sprintf("%s/%s", [input.kind, input.metadata.name]) if {
	is_string(input.kind)
	is_string(input.metadata.name)
} else := "object"

# `spec.template.spec.containers[0].image`
path_string(path) := concat("", [seg |
	some i, p in path
	seg := segment(i, p)
])

segment(_, p) := sprintf("[%d]", [p]) if is_number(p)

segment(0, p) := p if is_string(p)

segment(i, p) := concat("", [".", p]) if {
	i > 0
	is_string(p)
}

deny contains res if {
	kind == "kubernetes"
	walk(input, [path, containers])
	count(path) > 0
	path[count(path) - 1] in container_lists
	is_array(containers)
	some i, c in containers
	is_string(c.image)
	not approved(c.image)
	res := {
		"msg": message(c.image),
		"config_path": path_string(array.concat(path, [i, "image"])),
		"object": object_name,
	}
}

# --- Compose ---------------------------------------------------------------

deny contains res if {
	kind == "compose"
	is_object(input.services)
	some name, svc in input.services
	is_string(svc.image)
	not approved(svc.image)
	res := {
		"msg": message(svc.image),
		"config_path": sprintf("services.%s.image", [name]),
		"object": sprintf("service %s", [name]),
	}
}

# --- Dockerfile ------------------------------------------------------------

# regorus, unlike OPA, raises an error for `some x in y` when y is not a
# collection: guard every iteration over input with is_array/is_object.
stages := input.stages if is_array(input.stages) else := []

instructions(stage) := stage.instructions if is_array(stage.instructions) else := []

# `FROM builder` names an earlier stage, not an image.
stage_names contains lower(s.name) if {
	some s in stages
	is_string(s.name)
}

from_lines contains [s, ins] if {
	kind == "dockerfile"
	some s in stages
	some ins in instructions(s)
	ins.cmd == "from"
}

deny contains res if {
	some [s, ins] in from_lines
	image := s.from.image
	is_string(image)
	not lower(image) in stage_names
	lower(image) != "scratch"
	not contains(image, "$")
	not approved(image)
	res := {
		"msg": message(image),
		"line": object.get(ins, "line", null),
		"end_line": object.get(ins, "end_line", null),
	}
}

# A build argument in FROM hides the registry until build time.
warn contains res if {
	some [s, ins] in from_lines
	image := s.from.image
	is_string(image)
	contains(image, "$")
	res := {
		"msg": sprintf("FROM %s uses a build argument: its registry cannot be checked", [image]),
		"line": object.get(ins, "line", null),
		"end_line": object.get(ins, "end_line", null),
	}
}
