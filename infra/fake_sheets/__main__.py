from infra.fake_sheets.server import main

raise SystemExit(main())
