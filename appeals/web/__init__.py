"""The browser and JSON adapters: one blueprint per resource (intake, appeal_pages, bulk,
letter_library, accounts, organization) and api/ the same. Views call the services and the pure
core, never the reverse. Registered by appeals.app.register_blueprints()."""
