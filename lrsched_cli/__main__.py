from lrsched_cli.cli.app import main

main()
