from lrsched_cli.cli import main

main()
