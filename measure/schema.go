package measure

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	gojson "github.com/goccy/go-json"
	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// printer renders validation messages in English.
var printer = message.NewPrinter(language.English)

// SchemaID is the $id of the input schema.
const SchemaID = "https://platscan.dev/schemas/input.schema.json"

// Schema returns the JSON Schema of the policy input document, generated
// from the Go types of this package: the document's header, and for each
// family a list whose items are one of that family's kinds (under $defs,
// named family.type). Every field is required; null is allowed only where
// a field says a value may be unknown; no other fields are allowed.
// When sourceDir names this package's source directory, the Go doc
// comments become descriptions (the source must be at hand, so only tests
// and doc generators ask for them).
func Schema(sourceDir string) ([]byte, error) {
	r := &jsonschema.Reflector{DoNotReference: true, ExpandedStruct: true, Anonymous: true}
	if sourceDir != "" {
		if err := r.AddGoComments("github.com/platscan/platscan/measure", sourceDir); err != nil {
			return nil, fmt.Errorf("input schema comments: %w", err)
		}
	}
	root := r.Reflect(&Input{})
	root.ID = SchemaID
	root.Title = "platscan policy input"
	defs := jsonschema.Definitions{}
	families := jsonschema.NewProperties()
	for _, fam := range Families() {
		var refs []*jsonschema.Schema
		for _, k := range Kinds() {
			if k.Family != fam {
				continue
			}
			s := r.Reflect(k.new())
			s.Version = ""
			s.Description = k.Doc
			s.Properties.Set("type", &jsonschema.Schema{Const: k.Type, Description: "the kind of measurement"})
			s.Properties.Set("record", &jsonschema.Schema{Type: "string", Description: "the measurement's own record id"})
			s.Required = append(s.Required, "record")
			if _, own := s.Properties.Get("persona"); !own {
				s.Properties.Set("persona", &jsonschema.Schema{Type: "string", Description: `the persona it was measured as ("" for measurements of no persona)`})
				s.Required = append(s.Required, "persona")
			}
			defs[k.Name()] = s
			refs = append(refs, &jsonschema.Schema{Ref: "#/$defs/" + k.Name()})
		}
		families.Set(fam, &jsonschema.Schema{Type: "array", Items: &jsonschema.Schema{AnyOf: refs},
			Description: fmt.Sprintf("the %s probe's measurements", fam)})
	}
	root.Definitions = defs
	root.Properties.Set("measurements", &jsonschema.Schema{Type: "object", Properties: families, AdditionalProperties: jsonschema.FalseSchema,
		Required: Families(), Description: "measurements by family; a family whose probe did not run is an empty list"})
	b, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	return oneOfToAnyOf(b)
}

// oneOfToAnyOf rewrites the generator's oneOf (used for nullable fields)
// as anyOf: the alternatives never overlap, so the meaning is the same,
// and OPA's type checker understands anyOf.
func oneOfToAnyOf(b []byte) ([]byte, error) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if o, ok := x["oneOf"]; ok {
				x["anyOf"] = o
				delete(x, "oneOf")
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return json.MarshalIndent(doc, "", "  ")
}

// Validator checks measurements against the input schema.
type Validator struct {
	kinds map[string]*sjs.Schema
	// fast holds each kind's schema compiled into a direct walk
	// (fastcheck.go); the general validator decides whatever it rejects.
	fast map[string]*check
}

var (
	validatorOnce sync.Once
	validator     *Validator
	validatorErr  error
)

// DefaultValidator returns the validator of this build's schema, compiled
// once.
func DefaultValidator() (*Validator, error) {
	validatorOnce.Do(func() { validator, validatorErr = newValidator() })
	return validator, validatorErr
}

func newValidator() (*Validator, error) {
	b, err := Schema("")
	if err != nil {
		return nil, err
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	fast, err := compileChecks(b)
	if err != nil {
		return nil, err
	}
	v := &Validator{kinds: map[string]*sjs.Schema{}, fast: fast}
	for _, k := range Kinds() {
		s, err := c.Compile(SchemaID + "#/$defs/" + k.Name())
		if err != nil {
			return nil, fmt.Errorf("input schema %s: %w", k.Name(), err)
		}
		v.kinds[k.Name()] = s
	}
	return v, nil
}

// Validate checks one measurement of the input document (its record's
// data plus record and persona), decoded as generic JSON with numbers as
// json.Number or float64, against its kind's schema. The error names the
// first field that is wrong.
func (v *Validator) Validate(family string, m map[string]any) error {
	typ, _ := m["type"].(string)
	name := family + "." + typ
	s, ok := v.kinds[name]
	if !ok {
		return fmt.Errorf("type: %q is not a kind of %s measurement", typ, family)
	}
	if c := v.fast[name]; c != nil && c.valid(m) {
		return nil
	}
	if err := s.Validate(m); err != nil {
		return fieldError(err)
	}
	return nil
}

// fieldError reduces a validation error to its first leaf: the field and
// what is wrong with it.
func fieldError(err error) error {
	var ve *sjs.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	field := strings.Join(ve.InstanceLocation, ".")
	if field == "" {
		field = "(measurement)"
	}
	return fmt.Errorf("%s: %s", field, ve.ErrorKind.LocalizedString(printer))
}

// typeOf is used by tests to name a kind's Go type.
func typeOf(k Kind) reflect.Type { return reflect.TypeOf(k.new()).Elem() }

// Decode reads a stored measurement's data (JSON) into its input form:
// generic JSON values with exact numbers, plus "record" and (unless the
// measurement has its own) "persona".
func Decode(data []byte, record, persona string) (map[string]any, error) {
	var m map[string]any
	// goccy/go-json: the same generic values as encoding/json (its Number
	// is encoding/json's), four times as fast on a large run.
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("(measurement): null")
	}
	m["record"] = record
	if _, page := m["fetch"]; page {
		if _, ok := m["blocked"]; !ok {
			// Runs recorded before block pages were told apart: none was.
			m["blocked"] = ""
		}
	}
	if _, own := m["persona"]; !own {
		m["persona"] = persona
	}
	return m, nil
}

// ValidateData decodes and validates a measurement's stored data, as
// persona, with the default validator.
func ValidateData(family, persona string, data []byte) error {
	v, err := DefaultValidator()
	if err != nil {
		return err
	}
	m, err := Decode(data, "pending", persona)
	if err != nil {
		return err
	}
	return v.Validate(family, m)
}
