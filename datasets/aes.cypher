// AES: the Confederation of Sahel States and its first consultations with Russia.
//
// Built from one news article (see datasets/README.md). Only what the article says is
// modelled: no dates or names it does not give. The article gives no year, so days are
// stored as text ('April 3-4'), never as dates.
//
// Node keys: a node pattern whose name starts with an upper-case letter gives the new node
// that key (`(Mali:Country {...})`); a bare `(Mali)` in a later statement refers to it.
// All nodes are created first, one CREATE per section; relationships follow.

// ---------------------------------------------------------------------------------------
// Nodes: countries
// ---------------------------------------------------------------------------------------
CREATE
  (Mali:Country {name: 'Mali', sahel_nation: true, junta_led: true}),
  (BurkinaFaso:Country {name: 'Burkina Faso', sahel_nation: true, junta_led: true}),
  (Niger:Country {name: 'Niger', sahel_nation: true, junta_led: true}),
  (Russia:Country {name: 'Russia'}),
  (France:Country {name: 'France'});

// ---------------------------------------------------------------------------------------
// Nodes: organisations
// ---------------------------------------------------------------------------------------
CREATE
  (AES:Organization {
    name: 'Confederation of Sahel States',
    abbreviation: 'AES',
    kind: 'confederation',
    founding_members: 3,
    seen_as: ['a shift towards self-reliance',
              'a desire to build partnerships outside the Western sphere of influence']
  }),
  (ECOWAS:Organization {
    name: 'Economic Community of West African States',
    abbreviation: 'ECOWAS'
  });

// ---------------------------------------------------------------------------------------
// Nodes: people
// The article names only Sergei Lavrov. The three visiting foreign ministers are unnamed,
// so their nodes carry the office as `name` and `named_in_article: false`.
// ---------------------------------------------------------------------------------------
CREATE
  (Lavrov:Person {name: 'Sergei Lavrov', role: 'Foreign Minister', named_in_article: true}),
  (MaliForeignMinister:Person {name: 'Foreign Minister of Mali', role: 'Foreign Minister', named_in_article: false}),
  (BurkinaFasoForeignMinister:Person {name: 'Foreign Minister of Burkina Faso', role: 'Foreign Minister', named_in_article: false}),
  (NigerForeignMinister:Person {name: 'Foreign Minister of Niger', role: 'Foreign Minister', named_in_article: false});

// ---------------------------------------------------------------------------------------
// Nodes: places
// ---------------------------------------------------------------------------------------
CREATE
  (Moscow:City {name: 'Moscow'}),
  (Sahel:Region {name: 'Sahel'}),
  (SouthernSahara:Region {name: 'Southern Sahara'}),
  (WestAfrica:Region {name: 'West Africa'}),
  (Africa:Region {name: 'Africa', kind: 'continent'});

// ---------------------------------------------------------------------------------------
// Nodes: governments (the three military juntas)
// ---------------------------------------------------------------------------------------
CREATE
  (MaliJunta:Government {
    name: 'Military junta of Mali',
    kind: 'military junta',
    came_to_power: 'recent coup',
    seeks: 'strategic partnerships with non-Western nations'
  }),
  (BurkinaFasoJunta:Government {
    name: 'Military junta of Burkina Faso',
    kind: 'military junta',
    came_to_power: 'recent coup',
    seeks: 'strategic partnerships with non-Western nations'
  }),
  (NigerJunta:Government {
    name: 'Military junta of Niger',
    kind: 'military junta',
    came_to_power: 'recent coup',
    seeks: 'strategic partnerships with non-Western nations'
  });

// ---------------------------------------------------------------------------------------
// Nodes: groups (jihadist groups, foreign forces, the Western nations)
// The article names Islamic State and al-Qaeda and says groups affiliated with them are
// responsible for many deaths; the affiliates themselves are unnamed, so there is one
// node per affiliation.
// ---------------------------------------------------------------------------------------
CREATE
  (IslamicState:Group {name: 'Islamic State', kind: 'jihadist'}),
  (AlQaeda:Group {name: 'al-Qaeda', kind: 'jihadist'}),
  (IslamicStateAffiliates:Group {name: 'Islamic State affiliates', kind: 'jihadist', named_in_article: false}),
  (AlQaedaAffiliates:Group {name: 'al-Qaeda affiliates', kind: 'jihadist', named_in_article: false}),
  (FrenchForces:Group {name: 'French forces', kind: 'armed forces', western: true}),
  (WesternForces:Group {name: 'Other Western forces', kind: 'armed forces', western: true}),
  (WesternNations:Group {name: 'Western nations', kind: 'group of states'});

// ---------------------------------------------------------------------------------------
// Nodes: events and conflicts
// ---------------------------------------------------------------------------------------
CREATE
  (AESRussiaConsultations:Event {
    name: 'AES-Russia consultations',
    session: 1,
    days: 'April 3-4',
    start_day: 'April 3',
    end_day: 'April 4',
    focus: ['strategic', 'pragmatic', 'dynamic', 'supportive'],
    subject: 'cooperation and partnership relations in areas of common interest',
    described_as: 'a formal step in deepening ties between the AES and Russia'
  }),
  (JihadistInsurgency:Conflict {
    name: 'Jihadist insurgency',
    kind: 'insurgency',
    duration_years_over: 13,
    ongoing: true
  }),
  (WesternIntervention:Event {name: 'Western intervention', kind: 'intervention'});

// ---------------------------------------------------------------------------------------
// Relationships: the AES and ECOWAS
// The three states withdrew from ECOWAS and established the AES.
// ---------------------------------------------------------------------------------------
CREATE
  (Mali)-[:WITHDREW_FROM]->(ECOWAS),
  (BurkinaFaso)-[:WITHDREW_FROM]->(ECOWAS),
  (Niger)-[:WITHDREW_FROM]->(ECOWAS),
  (Mali)-[:FOUNDED]->(AES),
  (BurkinaFaso)-[:FOUNDED]->(AES),
  (Niger)-[:FOUNDED]->(AES),
  (Mali)-[:MEMBER_OF]->(AES),
  (BurkinaFaso)-[:MEMBER_OF]->(AES),
  (Niger)-[:MEMBER_OF]->(AES);

// ---------------------------------------------------------------------------------------
// Relationships: geography
// "the Sahel nations", "the three West African nations"
// ---------------------------------------------------------------------------------------
CREATE
  (Mali)-[:LOCATED_IN]->(Sahel),
  (BurkinaFaso)-[:LOCATED_IN]->(Sahel),
  (Niger)-[:LOCATED_IN]->(Sahel),
  (Mali)-[:LOCATED_IN]->(WestAfrica),
  (BurkinaFaso)-[:LOCATED_IN]->(WestAfrica),
  (Niger)-[:LOCATED_IN]->(WestAfrica);

// ---------------------------------------------------------------------------------------
// Relationships: governments
// "all governed by military juntas that came to power through recent coups"
// ---------------------------------------------------------------------------------------
CREATE
  (Mali)-[:GOVERNED_BY]->(MaliJunta),
  (BurkinaFaso)-[:GOVERNED_BY]->(BurkinaFasoJunta),
  (Niger)-[:GOVERNED_BY]->(NigerJunta);

// ---------------------------------------------------------------------------------------
// Relationships: foreign ministers and the visit to Moscow
// ---------------------------------------------------------------------------------------
CREATE
  (Lavrov)-[:FOREIGN_MINISTER_OF]->(Russia),
  (MaliForeignMinister)-[:FOREIGN_MINISTER_OF]->(Mali),
  (BurkinaFasoForeignMinister)-[:FOREIGN_MINISTER_OF]->(BurkinaFaso),
  (NigerForeignMinister)-[:FOREIGN_MINISTER_OF]->(Niger),
  (MaliForeignMinister)-[:VISITS {days: 'April 3-4'}]->(Moscow),
  (BurkinaFasoForeignMinister)-[:VISITS {days: 'April 3-4'}]->(Moscow),
  (NigerForeignMinister)-[:VISITS {days: 'April 3-4'}]->(Moscow),
  (MaliForeignMinister)-[:MEETS {days: 'April 3-4'}]->(Lavrov),
  (BurkinaFasoForeignMinister)-[:MEETS {days: 'April 3-4'}]->(Lavrov),
  (NigerForeignMinister)-[:MEETS {days: 'April 3-4'}]->(Lavrov);

// ---------------------------------------------------------------------------------------
// Relationships: the first session of the AES-Russia consultations
// ---------------------------------------------------------------------------------------
CREATE
  (AESRussiaConsultations)-[:HOSTED_IN]->(Moscow),
  (MaliForeignMinister)-[:ATTENDS]->(AESRussiaConsultations),
  (BurkinaFasoForeignMinister)-[:ATTENDS]->(AESRussiaConsultations),
  (NigerForeignMinister)-[:ATTENDS]->(AESRussiaConsultations),
  (Lavrov)-[:ATTENDS]->(AESRussiaConsultations),
  (AES)-[:PARTICIPATES_IN]->(AESRussiaConsultations),
  (Russia)-[:PARTICIPATES_IN]->(AESRussiaConsultations),
  (AES)-[:DEEPENING_TIES_WITH {
    described_as: 'a significant shift in the geopolitical landscape of the region',
    likely_implications: ['security', 'economy', 'politics']
  }]->(Russia);

// ---------------------------------------------------------------------------------------
// Relationships: the juntas, Western forces and the turn to Russia
// "The junta-led governments have expelled French and other Western forces, shifting
// their military cooperation towards Russia in recent years."
// ---------------------------------------------------------------------------------------
CREATE
  (MaliJunta)-[:EXPELLED]->(FrenchForces),
  (BurkinaFasoJunta)-[:EXPELLED]->(FrenchForces),
  (NigerJunta)-[:EXPELLED]->(FrenchForces),
  (MaliJunta)-[:EXPELLED]->(WesternForces),
  (BurkinaFasoJunta)-[:EXPELLED]->(WesternForces),
  (NigerJunta)-[:EXPELLED]->(WesternForces),
  (MaliJunta)-[:MILITARY_COOPERATION_WITH {shifted_towards: true, period: 'recent years'}]->(Russia),
  (BurkinaFasoJunta)-[:MILITARY_COOPERATION_WITH {shifted_towards: true, period: 'recent years'}]->(Russia),
  (NigerJunta)-[:MILITARY_COOPERATION_WITH {shifted_towards: true, period: 'recent years'}]->(Russia),
  (FrenchForces)-[:BELONGS_TO]->(France),
  (WesternForces)-[:BELONGS_TO]->(WesternNations),
  (France)-[:PART_OF]->(WesternNations),
  (Mali)-[:REDUCING_DEPENDENCE_ON {also: 'diversifying partnerships'}]->(WesternNations),
  (BurkinaFaso)-[:REDUCING_DEPENDENCE_ON {also: 'diversifying partnerships'}]->(WesternNations),
  (Niger)-[:REDUCING_DEPENDENCE_ON {also: 'diversifying partnerships'}]->(WesternNations);

// ---------------------------------------------------------------------------------------
// Relationships: the jihadist insurgency
// "plagued by a jihadist insurgency for over 13 years, originating in Mali before
// spreading across the southern Sahara"
// ---------------------------------------------------------------------------------------
CREATE
  (JihadistInsurgency)-[:AFFECTS]->(Sahel),
  (JihadistInsurgency)-[:ORIGINATED_IN]->(Mali),
  (JihadistInsurgency)-[:SPREAD_TO {extent: 'across'}]->(SouthernSahara),
  (IslamicStateAffiliates)-[:AFFILIATED_WITH]->(IslamicState),
  (AlQaedaAffiliates)-[:AFFILIATED_WITH]->(AlQaeda),
  (IslamicStateAffiliates)-[:OPERATES_IN {responsible_for: 'deaths of numerous people'}]->(Sahel),
  (AlQaedaAffiliates)-[:OPERATES_IN {responsible_for: 'deaths of numerous people'}]->(Sahel),
  (IslamicStateAffiliates)-[:PART_OF]->(JihadistInsurgency),
  (AlQaedaAffiliates)-[:PART_OF]->(JihadistInsurgency);

// ---------------------------------------------------------------------------------------
// Relationships: Russia's role
// "providing military support and training to the Sahel nations", "a vocal critic of
// Western intervention in the region", "seeks to expand its presence in Africa"
// ---------------------------------------------------------------------------------------
CREATE
  (Russia)-[:PROVIDES_MILITARY_SUPPORT_TO {kinds: ['military support', 'training']}]->(Mali),
  (Russia)-[:PROVIDES_MILITARY_SUPPORT_TO {kinds: ['military support', 'training']}]->(BurkinaFaso),
  (Russia)-[:PROVIDES_MILITARY_SUPPORT_TO {kinds: ['military support', 'training']}]->(Niger),
  (Russia)-[:CRITICIZES {vocal: true}]->(WesternIntervention),
  (WesternIntervention)-[:OCCURS_IN]->(Sahel),
  (Russia)-[:ACTIVE_IN {influence: 'growing'}]->(Sahel),
  (Russia)-[:SEEKS_PRESENCE_IN {aim: 'expand'}]->(Africa);
