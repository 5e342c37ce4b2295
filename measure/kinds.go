package measure

// kinds is the registry of measurement kinds: every type a probe may
// record, with the type name it records it under.
var kinds = []Kind{
	{Family: Terms, Type: "document", Doc: "one rules or terms page", new: func() Measurement { return new(Document) }},
	{Family: Terms, Type: "clause", Doc: "one classified clause of a document", new: func() Measurement { return new(Clause) }},
	{Family: Terms, Type: "home_links", Doc: "the links on the home pages", new: func() Measurement { return new(HomeLinks) }},
	{Family: Terms, Type: "announcements_page", Doc: "one page of rule-change notices", new: func() Measurement { return new(AnnouncementsPage) }},
	{Family: Terms, Type: "rule_change", Doc: "one announced change of the rules", new: func() Measurement { return new(RuleChange) }},
	{Family: Terms, Type: "document_change", Doc: "a document whose text changed since an earlier run (eval --previous)", new: func() Measurement { return new(DocumentChange) }},

	{Family: Pricing, Type: "price", Doc: "one price one persona saw", new: func() Measurement { return new(Price) }},
	{Family: Pricing, Type: "results", Doc: "one search result page a persona saw (steering)", new: func() Measurement { return new(SteeringResults) }},
	{Family: Pricing, Type: "noise_floor", Doc: "what identical personas show in prices", new: func() Measurement { return new(NoiseFloor) }},
	{Family: Pricing, Type: "steering_noise_floor", Doc: "what identical personas show in result lists", new: func() Measurement { return new(NoiseFloor) }},
	{Family: Pricing, Type: "persona_test", Doc: "one persona's prices against the reference", new: func() Measurement { return new(PersonaTest) }},
	{Family: Pricing, Type: "steering_test", Doc: "one persona's result lists against the reference", new: func() Measurement { return new(PersonaTest) }},
	{Family: Pricing, Type: "opt_out", Doc: "the non-personalised option: found, used", new: func() Measurement { return new(OptOut) }},

	{Family: Interop, Type: "setup", Doc: "what the profile asked to compare", new: func() Measurement { return new(Setup) }},
	{Family: Interop, Type: "treatment", Doc: "how one competitor or control target was treated", new: func() Measurement { return new(Treatment) }},
	{Family: Interop, Type: "checkout", Doc: "the choices offered at checkout", new: func() Measurement { return new(Checkout) }},
	{Family: Interop, Type: "export", Doc: "the personal-data export", new: func() Measurement { return new(Export) }},

	{Family: Ranking, Type: "results", Doc: "one query's ranked result list", new: func() Measurement { return new(RankedResults) }},
	{Family: Ranking, Type: "sort_options", Doc: "how a result list can be ordered", new: func() Measurement { return new(SortOptions) }},
	{Family: Ranking, Type: "buybox", Doc: "one product page's offers", new: func() Measurement { return new(BuyBoxPage) }},
	{Family: Ranking, Type: "ranking_metrics", Doc: "the self-preferencing analysis of the result lists", new: func() Measurement { return new(RankingMetrics) }},
}
