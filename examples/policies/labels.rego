# Images must carry the OCI labels that tie them to their source.
package drydock.examples.labels

import rego.v1

__rego_metadata__ := {
	"id": "CORP-LBL-001",
	"title": "Image lacks a required label",
	"severity": "LOW",
	"description": "Without source and revision labels nobody can tell which commit an image was built from.",
	"remediation": "Set the label at build time, e.g. docker build --label org.opencontainers.image.revision=$(git rev-parse HEAD).",
	"input_kinds": ["image"],
	"references": ["https://github.com/opencontainers/image-spec/blob/main/annotations.md"],
}

default required_labels := ["org.opencontainers.image.source", "org.opencontainers.image.revision"]

required_labels := data.required_labels

default recommended_labels := ["org.opencontainers.image.licenses"]

recommended_labels := data.recommended_labels

labels := object.get(input, ["config", "config", "Labels"], {})

# Absent, not a string (a hostile or odd config), or empty.
missing(name) if not is_string(labels[name])

missing(name) if labels[name] == ""

deny contains res if {
	some name in required_labels
	missing(name)
	res := {"msg": sprintf("label %s is not set", [name]), "config_path": "config.Labels"}
}

warn contains res if {
	some name in recommended_labels
	missing(name)
	res := {"msg": sprintf("label %s is recommended", [name]), "config_path": "config.Labels"}
}
