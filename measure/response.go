package measure

// Fetch outcomes: what became of the request behind a page measurement.
const (
	// Answered means a final HTTP response arrived (whatever its status).
	Answered = "answered"
	// NotSent means platscan chose not to send the request: robots.txt,
	// the request budget, the address guard, or a target that had stopped
	// answering.
	NotSent = "not_sent"
	// Failed means the request was sent and no response that is the page
	// arrived (connection refused or reset, timeout, too many redirects,
	// a body cut short or in an unreadable encoding, a bot challenge
	// served instead).
	Failed = "failed"
)

// Response says what became of the request behind a measurement of a
// page. A page that was not sent or not answered is never evidence that
// the page is missing: policies report unknown for it.
type Response struct {
	// URL is the address asked for.
	URL string `json:"url"`
	// FinalURL is where redirects ended; "" when no response arrived.
	FinalURL string `json:"final_url"`
	// Status is the final HTTP status; 0 when no response arrived.
	Status int `json:"status"`
	// Fetch is the outcome: answered, not_sent or failed.
	Fetch string `json:"fetch" jsonschema:"enum=answered,enum=not_sent,enum=failed"`
	// Error says why no response arrived; "" when one did.
	Error string `json:"error"`
	// Blocked says what the platform showed instead of the page when the
	// answer was a block page: captcha, slider, login_wall, access_denied,
	// or empty_shell (an application shell whose content only JavaScript
	// draws, read without a browser); "" when the answer was the page.
	// A blocked page is a result about the scan, not about the platform:
	// policies report unknown for it.
	Blocked string `json:"blocked" jsonschema:"enum=,enum=captcha,enum=slider,enum=login_wall,enum=access_denied,enum=empty_shell"`
}

// response lets tests and the builder reach the embedded Response.
func (r *Response) response() *Response { return r }
