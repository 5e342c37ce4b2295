package measure

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// check is the input schema of one kind compiled into a direct walk: the
// schema uses a handful of keywords (type, properties, required,
// additionalProperties, items, minItems, maxItems, minimum, maximum, enum,
// const, anyOf),
// and checking those on decoded JSON costs a fraction of a general
// validator. It only ever answers "valid" when the schema says so; when
// it answers "invalid" (or meets a keyword it does not know, at compile
// time) the general validator decides and words the error. Validation is
// never skipped, only made cheap for the common case.
type check struct {
	types    uint8 // bit set of the json* kinds below; 0: any
	props    map[string]*check
	required []string
	closed   bool   // additionalProperties: false
	extra    *check // additionalProperties: a schema
	items    *check
	minItems int
	maxItems int // -1: none
	enum     []any
	hasConst bool
	constant any
	anyOf    []*check
	min, max *big.Rat // minimum, maximum (inclusive); nil: none
}

const (
	jsonString uint8 = 1 << iota
	jsonInteger
	jsonNumber
	jsonBoolean
	jsonArray
	jsonObject
	jsonNull
)

var typeBits = map[string]uint8{"string": jsonString, "integer": jsonInteger, "number": jsonNumber, "boolean": jsonBoolean,
	"array": jsonArray, "object": jsonObject, "null": jsonNull}

// compileCheck compiles a schema (as decoded JSON). ok is false when the
// schema uses a keyword the walk does not implement.
func compileCheck(s any) (*check, bool) {
	m, isMap := s.(map[string]any)
	if !isMap {
		return nil, false
	}
	c := &check{maxItems: -1}
	for k, v := range m {
		switch k {
		case "description", "title", "$schema", "$id":
		case "type":
			switch t := v.(type) {
			case string:
				c.types |= typeBits[t]
			case []any:
				for _, x := range t {
					s, _ := x.(string)
					c.types |= typeBits[s]
				}
			default:
				return nil, false
			}
			if c.types == 0 {
				return nil, false
			}
		case "properties":
			ps, isMap := v.(map[string]any)
			if !isMap {
				return nil, false
			}
			c.props = map[string]*check{}
			for name, ps := range ps {
				pc, ok := compileCheck(ps)
				if !ok {
					return nil, false
				}
				c.props[name] = pc
			}
		case "required":
			rs, isList := v.([]any)
			if !isList {
				return nil, false
			}
			for _, r := range rs {
				s, isStr := r.(string)
				if !isStr {
					return nil, false
				}
				c.required = append(c.required, s)
			}
		case "additionalProperties":
			switch a := v.(type) {
			case bool:
				c.closed = !a
			default:
				ec, ok := compileCheck(a)
				if !ok {
					return nil, false
				}
				c.extra = ec
			}
		case "items":
			ic, ok := compileCheck(v)
			if !ok {
				return nil, false
			}
			c.items = ic
		case "minItems", "maxItems":
			f, isNum := v.(float64)
			if !isNum {
				return nil, false
			}
			if k == "minItems" {
				c.minItems = int(f)
			} else {
				c.maxItems = int(f)
			}
		case "minimum", "maximum":
			f, isNum := v.(float64)
			if !isNum || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, false
			}
			r := new(big.Rat).SetFloat64(f)
			if k == "minimum" {
				c.min = r
			} else {
				c.max = r
			}
		case "enum":
			es, isList := v.([]any)
			if !isList {
				return nil, false
			}
			c.enum = es
		case "const":
			c.hasConst, c.constant = true, v
		case "anyOf":
			as, isList := v.([]any)
			if !isList {
				return nil, false
			}
			for _, a := range as {
				ac, ok := compileCheck(a)
				if !ok {
					return nil, false
				}
				c.anyOf = append(c.anyOf, ac)
			}
		default:
			return nil, false
		}
	}
	return c, true
}

// valid reports whether v (decoded JSON: strings, json.Number or float64,
// bools, nil, []any, map[string]any) satisfies c.
func (c *check) valid(v any) bool {
	if c.types != 0 && c.types&kindOf(v) == 0 {
		return false
	}
	if c.hasConst && !sameScalar(v, c.constant) {
		return false
	}
	if c.enum != nil && !inEnum(v, c.enum) {
		return false
	}
	if (c.min != nil || c.max != nil) && !c.inRange(v) {
		return false
	}
	for _, a := range c.anyOf {
		if a.valid(v) {
			goto anyOK
		}
	}
	if len(c.anyOf) > 0 {
		return false
	}
anyOK:
	switch x := v.(type) {
	case []any:
		if len(x) < c.minItems || (c.maxItems >= 0 && len(x) > c.maxItems) {
			return false
		}
		if c.items != nil {
			for _, e := range x {
				if !c.items.valid(e) {
					return false
				}
			}
		}
	case map[string]any:
		for _, r := range c.required {
			if _, ok := x[r]; !ok {
				return false
			}
		}
		for k, e := range x {
			if p, ok := c.props[k]; ok {
				if !p.valid(e) {
					return false
				}
				continue
			}
			if c.closed || (c.extra != nil && !c.extra.valid(e)) {
				return false
			}
		}
	}
	return true
}

// inRange reports whether v, when it is a number, lies within minimum and
// maximum, compared exactly as the general validator compares (a float
// rounding of the text could pass what the schema rejects). Bounds do not
// apply to other types.
func (c *check) inRange(v any) bool {
	var r *big.Rat
	switch x := v.(type) {
	case json.Number:
		var ok bool
		if r, ok = new(big.Rat).SetString(string(x)); !ok {
			return false
		}
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return false
		}
		r = new(big.Rat).SetFloat64(x)
	case int:
		r = new(big.Rat).SetInt64(int64(x))
	case int64:
		r = new(big.Rat).SetInt64(x)
	default:
		return true
	}
	return (c.min == nil || r.Cmp(c.min) >= 0) && (c.max == nil || r.Cmp(c.max) <= 0)
}

// kindOf is the set of schema types v belongs to (an integral number is
// both integer and number).
func kindOf(v any) uint8 {
	switch x := v.(type) {
	case nil:
		return jsonNull
	case string:
		return jsonString
	case bool:
		return jsonBoolean
	case []any:
		return jsonArray
	case map[string]any:
		return jsonObject
	case json.Number:
		// Try the integer form only when it can succeed: a failed parse
		// allocates its error, and most numbers here are floats.
		if !strings.ContainsAny(string(x), ".eE") {
			if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				return jsonInteger | jsonNumber
			}
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) {
			return 0 // out of range here: let the general validator judge
		}
		if f == math.Trunc(f) {
			return jsonInteger | jsonNumber
		}
		return jsonNumber
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return jsonInteger | jsonNumber
		}
		return jsonNumber
	case int, int64:
		return jsonInteger | jsonNumber
	}
	return 0
}

func inEnum(v any, enum []any) bool {
	for _, e := range enum {
		if sameScalar(v, e) {
			return true
		}
	}
	return false
}

// sameScalar compares a value with an enum or const member of the schema:
// strings, and numbers compared exactly (anything else is left to the
// general validator).
func sameScalar(v, want any) bool {
	switch w := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == w
	case float64:
		if kindOf(v)&jsonNumber == 0 {
			return false
		}
		c := &check{min: new(big.Rat).SetFloat64(w), max: new(big.Rat).SetFloat64(w)}
		return c.inRange(v)
	}
	return false
}

// compileChecks compiles each kind's schema from the schema document.
func compileChecks(doc []byte) (map[string]*check, error) {
	var s map[string]any
	if err := json.Unmarshal(doc, &s); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	defs, _ := s["$defs"].(map[string]any)
	out := map[string]*check{}
	for name, d := range defs {
		if c, ok := compileCheck(d); ok {
			out[name] = c
		}
	}
	return out, nil
}
