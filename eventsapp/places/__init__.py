"""Iran's provinces and counties: reference data shipped with the app."""
