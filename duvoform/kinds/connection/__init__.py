"""The ``Connection`` kind's home: model, differ, mapping, operations, OAuth flows, probes."""
