package measure

// Document is the measurement of one rules or terms page.
type Document struct {
	Base
	Response
	// Role is "rules" (platform rules) or "terms" (an agreement).
	Role string `json:"role" jsonschema:"enum=rules,enum=terms"`
	// Reachable is true when the page answered 2xx, is not a login wall
	// and holds some readable text.
	Reachable bool `json:"reachable"`
	// LoginWall is true when the request ended on a sign-in page.
	LoginWall bool `json:"login_wall"`
	// LinkedFromHome is true when a home page links to the document.
	LinkedFromHome bool `json:"linked_from_home"`
	// HomePages lists the home pages whose links were read.
	HomePages []string `json:"home_pages"`
	// Lang is the language the text was classified in (zh or en); "" when
	// no text was read.
	Lang string `json:"lang"`
	// Charset is the encoding the page was decoded from.
	Charset string `json:"charset"`
	// Format is the media type as served.
	Format string `json:"format"`
	// Unsupported is true when the document is in a format platscan does
	// not read (PDF, images): its availability is then unknown.
	Unsupported bool `json:"unsupported"`
	// Chars counts the code points of readable text.
	Chars int `json:"chars"`
	// TextSHA256 names the blob holding the readable text; "" when none.
	TextSHA256 string `json:"text_sha256"`
	// Audience is whom the text is written for (merchant or consumer),
	// from the parties it names; "" when no text was read. Consumer-law
	// clause categories are not reported in a merchant agreement.
	Audience string `json:"audience" jsonschema:"enum=,enum=merchant,enum=consumer"`
	// Categories lists the clause categories the text was checked for.
	Categories []string `json:"categories_checked"`
	// Hub is true when the page is a rules centre: its main content is a
	// list of links to rule documents rather than rules of its own.
	Hub bool `json:"hub"`
	// RuleLinks are the same-site links to rule documents in the page's
	// main content (navigation, header and footer left out), each with
	// whether it was followed within the scan's bounds.
	RuleLinks []RuleLink `json:"rule_links"`
	// Via is the rules page whose link led to this document; "" for a
	// page the profile names. Depth counts the links followed from the
	// profile's page (0 for that page).
	Via   string `json:"via"`
	Depth int    `json:"depth"`
}

// RuleLink is a link from a rules page to a rule document.
type RuleLink struct {
	URL   string `json:"url"`
	Label string `json:"label"`
	// Followed is true when the document was fetched and measured (its
	// own document measurement has Via set to this page); false when the
	// scan's bounds (depth, count) stopped it.
	Followed bool `json:"followed"`
}

// Family implements Measurement.
func (*Document) Family() string { return Terms }

// Clause is the measurement of one classified clause.
type Clause struct {
	Base
	// ID names the sentence, not the match: a hash of the document URL,
	// the sentence and which occurrence of it this is, stable across runs
	// while the sentence is. Two categories found in one sentence share it.
	ID string `json:"id"`
	// Category is the clause category: a merchant category (exclusivity,
	// price_parity, penalty_promotion, unilateral_change_m, suspension,
	// ranking_disclosure, own_treatment) or a consumer one (CLAUDETTE's
	// arbitration, unilateral_change, content_removal, jurisdiction,
	// choice_of_law, limitation_of_liability, unilateral_termination,
	// contract_by_using, privacy_included; and tying).
	Category string `json:"category"`
	// Side is the side of the contract the category belongs to.
	Side string `json:"side" jsonschema:"enum=merchant,enum=consumer"`
	// Level is 3 for a clearly unfair clause and 2 for a potentially
	// unfair one, in CLAUDETTE's sense; merchant categories are always 2.
	Level int `json:"level" jsonschema:"enum=2,enum=3"`
	// URL is the document the clause was read in.
	URL string `json:"url"`
	// Lang is the document's language.
	Lang string `json:"lang"`
	// Text is the sentence.
	Text string `json:"text"`
	// Start and End are code-point offsets into the readable-text blob.
	Start int `json:"start"`
	End   int `json:"end"`
	// Score is the model's probability that the sentence is of the
	// category, Threshold the calibrated score at which it counts.
	Score     float64 `json:"score" jsonschema:"minimum=0,maximum=1"`
	Threshold float64 `json:"threshold" jsonschema:"minimum=0,maximum=1"`
	// Explanation lists the character n-grams that moved the score most,
	// with what each added to the model's log-odds (negative: against).
	Explanation []ClauseGram `json:"explanation"`
	// Cue is the text a hand-written cue matched; "" when none did.
	Cue string `json:"cue"`
	// Source says what found the clause: the model, the cue or both.
	Source string `json:"source" jsonschema:"enum=model,enum=cue,enum=both"`
	// Negated is true when a negation or saving exception cancels the
	// match; Negation says which. A negated clause does not count.
	Negated  bool   `json:"negated"`
	Negation string `json:"negation"`
	// Classifier is the SHA-256 of the weights file that scored the clause.
	Classifier string `json:"classifier_sha256"`
	// TextSHA256 names the readable-text blob the offsets count in.
	TextSHA256 string `json:"text_sha256"`
}

// ClauseGram is one n-gram's part in a clause's score.
type ClauseGram struct {
	Gram   string  `json:"gram"`
	Weight float64 `json:"weight"`
}

// Family implements Measurement.
func (*Clause) Family() string { return Terms }

// HomeLinks is the measurement of the links on the home pages.
type HomeLinks struct {
	Base
	// Pages are the home pages read; Links every link they hold,
	// normalised (no fragment or query).
	Pages []string `json:"pages"`
	Links []string `json:"links"`
	// Complete is true when every home page answered.
	Complete bool `json:"complete"`
}

// Family implements Measurement.
func (*HomeLinks) Family() string { return Terms }

// AnnouncementsPage is the measurement of one page of rule-change notices.
type AnnouncementsPage struct {
	Base
	Response
	// Reachable is true when the page answered 2xx and is no login wall.
	Reachable bool `json:"reachable"`
	// Count is how many notices were read.
	Count int `json:"count"`
}

// Family implements Measurement.
func (*AnnouncementsPage) Family() string { return Terms }

// RuleChange is the measurement of one announced change of the rules.
type RuleChange struct {
	Base
	// URL is the announcements page.
	URL string `json:"url"`
	// ID is the notice's HTML id; "" when it has none.
	ID string `json:"id"`
	// Title and Text are the notice's.
	Title string `json:"title"`
	Text  string `json:"text"`
	// Published and Effective are YYYY-MM-DD; "" when the notice gives
	// no such date.
	Published string `json:"published"`
	Effective string `json:"effective"`
	// NoticeDays is Effective minus Published; null when a date is missing.
	NoticeDays *int `json:"notice_days" jsonschema:"nullable"`
}

// Family implements Measurement.
func (*RuleChange) Family() string { return Terms }

// DocumentChange is the measurement of a rules or terms document whose
// text differs between an earlier run and this one (eval --previous).
type DocumentChange struct {
	Base
	URL  string `json:"url"`
	Role string `json:"role"`
	// PreviousSeen and Seen are the start times of the two runs.
	PreviousSeen string `json:"previous_seen"`
	Seen         string `json:"seen"`
	// PreviousText and Text name the readable-text blobs compared.
	PreviousText string `json:"previous_text_sha256"`
	Text         string `json:"text_sha256"`
	// Added and Removed are the lines that differ.
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
	// Announcements are the notices published between the runs.
	Announcements []ChangeNotice `json:"announcements"`
}

// Family implements Measurement.
func (*DocumentChange) Family() string { return Terms }

// ChangeNotice is a rule-change notice that appeared between two runs.
type ChangeNotice struct {
	Title      string `json:"title"`
	Published  string `json:"published"`
	Effective  string `json:"effective"`
	NoticeDays *int   `json:"notice_days" jsonschema:"nullable"`
	// Record is the notice's rule_change measurement.
	Record string `json:"record"`
}
