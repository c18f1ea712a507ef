//! Realistic fixtures shared by the integration tests.

#![allow(dead_code)]

/// `specifications/rack-2.2.3.gemspec` as written by RubyGems 3.1 (`gem
/// install rack -v 2.2.3`), with the long `files` list shortened.
pub const RACK: &str = r##"# -*- encoding: utf-8 -*-
# stub: rack 2.2.3 ruby lib

Gem::Specification.new do |s|
  s.name = "rack".freeze
  s.version = "2.2.3"

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://github.com/rack/rack/issues", "changelog_uri" => "https://github.com/rack/rack/blob/master/CHANGELOG.md", "documentation_uri" => "https://rubydoc.info/github/rack/rack", "source_code_uri" => "https://github.com/rack/rack" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Leah Neukirchen".freeze]
  s.bindir = "bin".freeze
  s.date = "2020-06-15"
  s.description = "Rack provides a minimal, modular and adaptable interface for developing\nweb applications in Ruby.  By wrapping HTTP requests and responses in\nthe simplest way possible, it unifies and distills the API for web\nservers, web frameworks, and software in between (the so-called\nmiddleware) into a single method call.\n".freeze
  s.email = "leah@vuxu.org".freeze
  s.executables = ["rackup".freeze]
  s.extra_rdoc_files = ["README.rdoc".freeze, "CHANGELOG.md".freeze, "CONTRIBUTING.md".freeze]
  s.files = ["CHANGELOG.md".freeze, "CONTRIBUTING.md".freeze, "MIT-LICENSE".freeze, "README.rdoc".freeze, "bin/rackup".freeze, "lib/rack.rb".freeze]
  s.homepage = "https://github.com/rack/rack".freeze
  s.licenses = ["MIT".freeze]
  s.required_ruby_version = Gem::Requirement.new(">= 2.3.0".freeze)
  s.rubygems_version = "3.1.2".freeze
  s.summary = "a modular Ruby webserver interface".freeze

  s.installed_by_version = "3.1.2" if s.respond_to? :installed_by_version

  if s.respond_to? :specification_version then
    s.specification_version = 4
  end

  if s.respond_to? :add_runtime_dependency then
    s.add_development_dependency(%q<minitest>.freeze, ["~> 5.0"])
    s.add_development_dependency(%q<minitest-sprint>.freeze, [">= 0"])
    s.add_development_dependency(%q<rake>.freeze, [">= 0"])
  else
    s.add_dependency(%q<minitest>.freeze, ["~> 5.0"])
  end
end
"##;

/// A binary gem: `specifications/nokogiri-1.13.10-x86_64-linux.gemspec`.
pub const NOKOGIRI: &str = r##"# -*- encoding: utf-8 -*-
# stub: nokogiri 1.13.10 x86_64-linux lib

Gem::Specification.new do |s|
  s.name = "nokogiri".freeze
  s.version = "1.13.10"
  s.platform = "x86_64-linux".freeze

  s.required_rubygems_version = Gem::Requirement.new(">= 0".freeze) if s.respond_to? :required_rubygems_version=
  s.authors = ["Mike Dalessio".freeze, "Aaron Patterson".freeze, "Yoko Harada".freeze, "Akinori MUSHA".freeze, "John Shahid".freeze, "Karol Bucek".freeze, "Sam Ruby".freeze, "Craig Barnes".freeze, "Stephen Checkoway".freeze, "Lars Kanis".freeze, "Sergio Arbeo".freeze, "Timothy Elliott".freeze, "Nobuyoshi Nakada".freeze]
  s.homepage = "https://nokogiri.org".freeze
  s.licenses = ["MIT".freeze]
  s.summary = "Nokogiri (\u92F8) makes it easy and painless to work with XML and HTML from Ruby.".freeze
end
"##;

/// A default gem shipped with Ruby 3.1, in `specifications/default/`.
pub const JSON_DEFAULT: &str = r##"# -*- encoding: utf-8 -*-
# stub: json 2.6.1 ruby lib
# stub: ext/json/extconf.rb

Gem::Specification.new do |s|
  s.name = "json".freeze
  s.version = "2.6.1"

  s.authors = ["Florian Frank".freeze]
  s.homepage = "http://flori.github.com/json".freeze
  s.licenses = ["Ruby".freeze]
end
"##;

/// Composer 2.2 output of `composer require monolog/monolog:2.3.5` plus
/// `composer require --dev phpunit/php-timer`, trimmed to the fields that
/// matter and a few that do not.
pub const COMPOSER2: &str = r#"{
    "packages": [
        {
            "name": "monolog/monolog",
            "version": "2.3.5",
            "version_normalized": "2.3.5.0",
            "source": {
                "type": "git",
                "url": "https://github.com/Seldaek/monolog.git",
                "reference": "fd4380d6fc37626e2f799f29d91195040137eba9"
            },
            "require": {
                "php": ">=7.2",
                "psr/log": "^1.0.1 || ^2.0 || ^3.0"
            },
            "time": "2021-10-01T21:08:31+00:00",
            "type": "library",
            "extra": {"branch-alias": {"dev-main": "2.x-dev"}},
            "installation-source": "dist",
            "autoload": {"psr-4": {"Monolog\\": "src/Monolog"}},
            "notification-url": "https://packagist.org/downloads/",
            "license": ["MIT"],
            "authors": [{"name": "Jordi Boggiano", "email": "j.boggiano@seld.be"}],
            "description": "Sends your logs to files, sockets, inboxes, databases and various web services",
            "install-path": "../monolog/monolog"
        },
        {
            "name": "phpunit/php-timer",
            "version": "5.0.3",
            "version_normalized": "5.0.3.0",
            "type": "library",
            "license": ["BSD-3-Clause"],
            "install-path": "../phpunit/php-timer"
        },
        {
            "name": "psr/log",
            "version": "3.0.0",
            "version_normalized": "3.0.0.0",
            "type": "library",
            "license": ["MIT"],
            "install-path": "../psr/log"
        },
        {
            "name": "symfony/console",
            "version": "v5.4.2",
            "version_normalized": "5.4.2.0",
            "type": "library",
            "license": ["MIT"],
            "install-path": "../symfony/console"
        }
    ],
    "dev": true,
    "dev-package-names": [
        "phpunit/php-timer"
    ]
}
"#;

/// Composer 1.10 layout: a bare array, no dev information.
pub const COMPOSER1: &str = r#"[
    {
        "name": "guzzlehttp/guzzle",
        "version": "6.5.5",
        "version_normalized": "6.5.5.0",
        "type": "library",
        "license": ["MIT"]
    },
    {
        "name": "Laminas/Laminas-Escaper",
        "version": "2.6.1",
        "version_normalized": "2.6.1.0",
        "type": "library",
        "license": "BSD-3-Clause"
    }
]"#;

/// `WebApp.deps.json` from `dotnet publish -c Release` of an ASP.NET Core 6
/// web API with Swashbuckle and Serilog, a class-library project reference
/// and a plain DLL reference (`<Reference Include="Legacy">`).
pub const WEBAPP: &str = r#"{
  "runtimeTarget": {
    "name": ".NETCoreApp,Version=v6.0",
    "signature": ""
  },
  "compilationOptions": {},
  "targets": {
    ".NETCoreApp,Version=v6.0": {
      "WebApp/1.0.0": {
        "dependencies": {
          "Serilog.AspNetCore": "5.0.0",
          "Swashbuckle.AspNetCore": "6.2.3",
          "WebApp.Data": "1.0.0",
          "Legacy": "1.2.0.0"
        },
        "runtime": {
          "WebApp.dll": {}
        }
      },
      "Microsoft.OpenApi/1.2.3": {
        "runtime": {
          "lib/netstandard2.0/Microsoft.OpenApi.dll": {
            "assemblyVersion": "1.2.3.0",
            "fileVersion": "1.2.3.0"
          }
        }
      },
      "Serilog.AspNetCore/5.0.0": {
        "dependencies": {
          "Serilog": "2.10.0"
        },
        "runtime": {
          "lib/net5.0/Serilog.AspNetCore.dll": {
            "assemblyVersion": "5.0.0.0",
            "fileVersion": "5.0.0.0"
          }
        }
      },
      "Serilog/2.10.0": {
        "runtime": {
          "lib/netstandard2.1/Serilog.dll": {
            "assemblyVersion": "2.0.0.0",
            "fileVersion": "2.10.0.0"
          }
        }
      },
      "Swashbuckle.AspNetCore/6.2.3": {
        "dependencies": {
          "Microsoft.OpenApi": "1.2.3"
        }
      },
      "WebApp.Data/1.0.0": {
        "runtime": {
          "WebApp.Data.dll": {}
        }
      },
      "Legacy/1.2.0.0": {
        "runtime": {
          "Legacy.dll": {
            "assemblyVersion": "1.2.0.0",
            "fileVersion": "1.2.0.0"
          }
        }
      }
    }
  },
  "libraries": {
    "WebApp/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "Microsoft.OpenApi/1.2.3": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-Nug3rO+7Kl5/SBAadzSMAVgqDlfGjJZ0GenQrLywJ84XGKO0uRqkunz5Wyl0SDwcR71bAATXvSdbdzPrYRYKGw==",
      "path": "microsoft.openapi/1.2.3",
      "hashPath": "microsoft.openapi.1.2.3.nupkg.sha512"
    },
    "Serilog.AspNetCore/5.0.0": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-/JO/txIxRR61x1UXQAgUzG2Sx05o1QHCkokVBWrKzmAoDu+p5EtCAj7L/TVVg7Ezhh3GPiZ0JI9OJCmRO9tSRw==",
      "path": "serilog.aspnetcore/5.0.0",
      "hashPath": "serilog.aspnetcore.5.0.0.nupkg.sha512"
    },
    "Serilog/2.10.0": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-+QX0hmf37a0/OZLxM3wL7V6/ADvC1XihXN4Kq/p6d8lCPfgkRdiuhbWlMaFjR9Av0dy5F0+MBeDmDdRZN/YwQA==",
      "path": "serilog/2.10.0",
      "hashPath": "serilog.2.10.0.nupkg.sha512"
    },
    "Swashbuckle.AspNetCore/6.2.3": {
      "type": "package",
      "serviceable": true,
      "sha512": "sha512-cnzQDn0Le+hInsw2SYwlOhOCPXpYi/szcvnyqZJ12v+QyrLBwAmWXBg6RIyHB18s/mLeywC+Rg2O9ndz0IUNYQ==",
      "path": "swashbuckle.aspnetcore/6.2.3",
      "hashPath": "swashbuckle.aspnetcore.6.2.3.nupkg.sha512"
    },
    "WebApp.Data/1.0.0": {
      "type": "project",
      "serviceable": false,
      "sha512": ""
    },
    "Legacy/1.2.0.0": {
      "type": "reference",
      "serviceable": false,
      "sha512": ""
    }
  }
}"#;
