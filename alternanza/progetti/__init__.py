"""Alternation projects (PCTO) and the network's work around them: the project and its workflow, the public
showcase, network actions, technical assistance, the models library and the open-data exports.

App label "alternanza" (kept from the first release so that no table changes); everything else of the room
is named "progetti": the package, the URL namespace, the templates folder and the task names.
"""
