from kokemus.cli.main import main

main()
