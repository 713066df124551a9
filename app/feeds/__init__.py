"""Calendar subscriptions: private token feeds and the public feed."""
