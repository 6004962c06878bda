from infra.fake_gemini.server import main

raise SystemExit(main())
