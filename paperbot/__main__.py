from paperbot.cli import main

raise SystemExit(main())
