package complaint

import (
	"fmt"
	"os"
	"strings"

	"github.com/platscan/platscan/internal/yamlfile"
)

// Complainant is who files the complaint, read from the YAML file given
// to `platscan complaint --complainant` (docs/complaint.md):
//
//	name: 张三                      # the person who signs
//	organisation: 杭州某某贸易有限公司 # optional: the business they act for
//	contact: "电话 138…；地址 …"     # how the authority reaches them
//	role: merchant                  # merchant or consumer
//	request:                        # what they ask the authority to do (optional)
//	  - 责令平台删除“二选一”条款
type Complainant struct {
	Name         string   `yaml:"name"`
	Organisation string   `yaml:"organisation"`
	Contact      string   `yaml:"contact"`
	Role         string   `yaml:"role"`
	Request      []string `yaml:"request"`
}

// Roles a complainant can have.
var Roles = []string{"merchant", "consumer"}

// LoadComplainant reads and checks a complainant file.
func LoadComplainant(path string) (*Complainant, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load complainant: %w", err)
	}
	return ParseComplainant(path, b)
}

// ParseComplainant checks a complainant file held in memory; name is used
// in errors.
func ParseComplainant(name string, data []byte) (*Complainant, error) {
	var c Complainant
	doc, err := yamlfile.Decode(name, data, &c)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(c.Name) == "":
		return nil, doc.Errorf("$.name", "is required: the person who signs the letter")
	case strings.TrimSpace(c.Contact) == "":
		return nil, doc.Errorf("$.contact", "is required: how the authority can reach the complainant")
	case c.Role != "merchant" && c.Role != "consumer":
		return nil, doc.Errorf("$.role", "%q is not merchant or consumer", c.Role)
	}
	for i, r := range c.Request {
		if strings.TrimSpace(r) == "" {
			return nil, doc.Errorf(fmt.Sprintf("$.request[%d]", i), "is empty")
		}
	}
	return &c, nil
}
