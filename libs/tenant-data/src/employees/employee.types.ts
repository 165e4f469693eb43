export interface Employee {
  id: string;
  email: string;
  fullName: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewEmployee {
  email: string;
  fullName: string;
}

export type EmployeeChanges = Partial<NewEmployee>;
