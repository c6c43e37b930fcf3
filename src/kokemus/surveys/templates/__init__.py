"""The survey templates shipped with Kokemus, one YAML file each; read through catalog."""
